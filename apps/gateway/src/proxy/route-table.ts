import type { ServiceName } from '@assay/shared/contracts';

/** Which service owns which public REST prefix (longest prefix wins). */
export const ROUTE_TABLE: readonly (readonly [prefix: string, service: ServiceName])[] = [
  ['/api/v1/auth', 'tenancy'],
  ['/api/v1/me', 'tenancy'],
  ['/api/v1/tenant', 'tenancy'],
  ['/api/v1/members', 'tenancy'],
  ['/api/v1/invitations', 'tenancy'],
  ['/api/v1/api-keys', 'tenancy'],
  ['/api/v1/audit-events', 'tenancy'],
  ['/api/v1/frameworks', 'assessments'],
  ['/api/v1/suppliers', 'assessments'],
  ['/api/v1/assessments', 'assessments'],
  ['/api/v1/findings', 'assessments'],
  ['/api/v1/portal', 'assessments'],
  ['/api/v1/portal/assessment/evidence', 'evidence'],
  ['/api/v1/portal/renewal', 'evidence'],
  ['/api/v1/portal/inquiry', 'evidence'],
  ['/api/v1/inquiries', 'evidence'],
  ['/api/v1/evidence', 'evidence'],
  ['/api/v1/components', 'evidence'],
  ['/api/v1/signing-keys', 'evidence'],
  ['/api/v1/advisories', 'evidence'],
  ['/api/v1/advisory-feeds', 'evidence'],
  ['/api/v1/webhook-endpoints', 'notifications'],
  ['/api/v1/webhook-deliveries', 'notifications'],
  ['/api/v1/reminders', 'notifications'],
  ['/api/v1/notifications', 'notifications'],
];

const ORDERED = [...ROUTE_TABLE].sort((a, b) => b[0].length - a[0].length);

/** The owning service of a path, matching whole segments only (`/api/v1/members` ≠ `/api/v1/membersx`). */
export function serviceForPath(path: string): ServiceName | null {
  const clean = path.split('?')[0] ?? '';
  for (const [prefix, service] of ORDERED) {
    if (clean === prefix || clean.startsWith(`${prefix}/`)) return service;
  }
  return null;
}
