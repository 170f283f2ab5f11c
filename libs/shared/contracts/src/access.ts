import type { Identity, Role } from './identity';

/** Scopes an API key may carry (the public contract). `…:write` implies the matching `…:read`. */
export const API_KEY_SCOPES = [
  'suppliers:read',
  'suppliers:write',
  'assessments:read',
  'assessments:write',
  'evidence:read',
  'evidence:write',
  'webhooks:manage',
  'audit:read',
] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/**
 * What a route may require. Scopes are the permissions an API key can hold; the rest are held only
 * by users through their role. `self` is any signed-in user acting on their own account (profile,
 * MFA, their notification feed), including a session that must enrol MFA before anything else.
 */
export const PERMISSIONS = [
  ...API_KEY_SCOPES,
  'members:read',
  'members:manage',
  'api-keys:manage',
  'tenant:read',
  'tenant:manage',
  'owners:manage',
  'self',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const VIEWER: Permission[] = ['self', 'suppliers:read', 'assessments:read', 'evidence:read', 'members:read', 'tenant:read'];
const ASSESSOR: Permission[] = [...VIEWER, 'suppliers:write', 'assessments:write', 'evidence:write'];
const ADMIN: Permission[] = [...ASSESSOR, 'webhooks:manage', 'audit:read', 'members:manage', 'api-keys:manage', 'tenant:manage'];
const OWNER: Permission[] = [...ADMIN, 'owners:manage'];

/** Viewers read; assessors manage suppliers, assessments and evidence; admins also members, keys, webhooks, settings; owners also owners. */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = { viewer: VIEWER, assessor: ASSESSOR, admin: ADMIN, owner: OWNER };

/** The scope an identity holds while it must enrol a second factor before doing anything else. */
export const MFA_ENROLMENT_SCOPE = 'mfa:enrol';

export function isApiKeyScope(value: string): value is ApiKeyScope {
  return (API_KEY_SCOPES as readonly string[]).includes(value);
}

/** Every permission an identity holds. Portal and anonymous identities hold none. */
export function permissionsOf(identity: Identity): ReadonlySet<Permission> {
  if (!identity.tenantId && identity.kind !== 'user') return new Set();
  if (identity.kind === 'user') {
    if (identity.scopes.includes(MFA_ENROLMENT_SCOPE) || !identity.role) return new Set<Permission>(['self']);
    return new Set(ROLE_PERMISSIONS[identity.role]);
  }
  if (identity.kind === 'api_key') {
    const granted = new Set<Permission>();
    for (const scope of identity.scopes) {
      if (!isApiKeyScope(scope)) continue;
      granted.add(scope);
      if (scope.endsWith(':write')) granted.add(scope.replace(/:write$/, ':read') as Permission);
    }
    return granted;
  }
  return new Set();
}

export function hasPermissions(identity: Identity, required: readonly Permission[]): boolean {
  const held = permissionsOf(identity);
  return required.every((permission) => held.has(permission));
}
