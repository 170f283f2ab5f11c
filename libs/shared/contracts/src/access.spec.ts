import { hasPermissions, permissionsOf } from './access';
import type { Identity } from './identity';

const base: Identity = { kind: 'user', principalId: 'u', tenantId: 't', role: 'viewer', scopes: [], portal: null, requestId: 'r' };

describe('permissions', () => {
  it('roles widen from viewer to owner', () => {
    expect(hasPermissions(base, ['suppliers:read'])).toBe(true);
    expect(hasPermissions(base, ['suppliers:write'])).toBe(false);
    expect(hasPermissions({ ...base, role: 'assessor' }, ['suppliers:write', 'evidence:write'])).toBe(true);
    expect(hasPermissions({ ...base, role: 'assessor' }, ['members:manage'])).toBe(false);
    expect(hasPermissions({ ...base, role: 'admin' }, ['members:manage', 'webhooks:manage', 'audit:read'])).toBe(true);
    expect(hasPermissions({ ...base, role: 'admin' }, ['owners:manage'])).toBe(false);
    expect(hasPermissions({ ...base, role: 'owner' }, ['owners:manage'])).toBe(true);
  });

  it('API keys hold exactly their scopes (write implies read) and never role-only permissions', () => {
    const key: Identity = { ...base, kind: 'api_key', role: null, scopes: ['suppliers:write', 'bogus'] };
    expect([...permissionsOf(key)].sort()).toEqual(['suppliers:read', 'suppliers:write']);
    expect(hasPermissions(key, ['members:read'])).toBe(false);
    expect(hasPermissions(key, ['self'])).toBe(false);
  });

  it('a session that must enrol MFA holds only self; portal and anonymous callers hold nothing', () => {
    expect([...permissionsOf({ ...base, role: 'admin', scopes: ['mfa:enrol'] })]).toEqual(['self']);
    expect(permissionsOf({ ...base, kind: 'portal', role: null, portal: { assessmentId: 'a', contactId: 'c' } }).size).toBe(0);
    expect(permissionsOf({ ...base, kind: 'anonymous', tenantId: null, role: null }).size).toBe(0);
  });
});
