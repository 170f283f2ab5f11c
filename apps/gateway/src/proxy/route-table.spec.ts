import { serviceForPath } from './route-table';

describe('serviceForPath', () => {
  it.each([
    ['/api/v1/frameworks', 'assessments'],
    ['/api/v1/frameworks/uk-sscop?version=2025-05-07', 'assessments'],
    ['/api/v1/auth/login', 'tenancy'],
    ['/api/v1/portal/assessment', 'assessments'],
    ['/api/v1/portal/assessment/evidence', 'evidence'],
    ['/api/v1/portal/renewal', 'evidence'],
    ['/api/v1/portal/renewal/evidence', 'evidence'],
    ['/api/v1/portal/findings/01900000-0000-7000-8000-000000000001', 'assessments'],
    ['/api/v1/evidence/01900000-0000-7000-8000-000000000001/content', 'evidence'],
    ['/api/v1/webhook-endpoints/x/deliveries', 'notifications'],
  ])('routes %s to %s', (path, service) => {
    expect(serviceForPath(path)).toBe(service);
  });

  it.each(['/api/v1/frameworksx', '/api/v1', '/api/v2/frameworks', '/graphql', '/api/v1/../admin'])('owns nothing for %s', (path) => {
    expect(serviceForPath(path)).toBeNull();
  });
});
