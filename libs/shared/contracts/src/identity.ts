export const PRINCIPAL_KINDS = ['user', 'api_key', 'portal', 'anonymous', 'system'] as const;
export type PrincipalKind = (typeof PRINCIPAL_KINDS)[number];

export const ROLES = ['owner', 'admin', 'assessor', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/**
 * The kinds of supplier portal link: an assessment link (the default, `link` absent), a renewal link
 * scoped to one piece of evidence, a findings link scoped to one supplier's findings, an inquiry link
 * scoped to one inquiry about an advisory.
 */
export const PORTAL_LINK_KINDS = ['assessment', 'renewal', 'findings', 'inquiry'] as const;
/** The kinds of link other than the assessment link, as a binding's `link` names them. */
export type ScopedPortalLinkKind = Exclude<PortalLinkKind, 'assessment'>;
export type PortalLinkKind = (typeof PORTAL_LINK_KINDS)[number];

/**
 * What a portal token binds its caller to: a tenant's contact and the assessment the link was issued
 * for (the one it answers, or the one whose supplier it renews evidence or answers findings for).
 */
export interface PortalBinding {
  assessmentId: string;
  contactId: string;
  /** Absent for assessment links. */
  link?: ScopedPortalLinkKind;
  /** Renewal links: the evidence they renew. */
  evidenceId?: string;
  /** Inquiry links: the inquiry they answer. */
  inquiryId?: string;
}

/** What the assessments service vouches for when the gateway checks a portal token: its binding, tenant and id. */
export interface VerifiedPortalToken extends PortalBinding {
  tenantId: string;
  tokenId: string;
}

/** Who is calling, as the gateway established it and vouches for in the internal identity token. */
export interface Identity {
  kind: PrincipalKind;
  /** user id, API key id, portal token id; null for anonymous callers */
  principalId: string | null;
  tenantId: string | null;
  role: Role | null;
  scopes: string[];
  /** For supplier portal tokens: the one assessment and contact they are bound to (and, for renewal and findings links, their kind and scope). */
  portal: PortalBinding | null;
  requestId: string;
  /** For users: the sign-in session (refresh-token family) the access token belongs to. */
  sessionId?: string | null;
  /** For users: whether the session was established with a second factor. */
  mfa?: boolean;
}

/** An identity acting for one tenant: what every tenant route and use case takes (no cast, no null check). */
export type TenantIdentity = Identity & { tenantId: string };

/** A supplier portal token's identity: one tenant, one assessment, one contact. */
export type PortalIdentity = TenantIdentity & { kind: 'portal'; principalId: string; portal: PortalBinding };

export function isTenantIdentity(identity: Identity): identity is TenantIdentity {
  return typeof identity.tenantId === 'string' && identity.tenantId.length > 0;
}

export function isPortalIdentity(identity: Identity): identity is PortalIdentity {
  return identity.kind === 'portal' && isTenantIdentity(identity) && identity.portal !== null && typeof identity.principalId === 'string';
}

export const ANONYMOUS_KIND: PrincipalKind = 'anonymous';

/** Service names double as internal-token audiences and schema names. */
export const SERVICE_NAMES = ['tenancy', 'assessments', 'evidence', 'notifications'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** The kind of link a portal binding comes from. */
export function portalLinkKind(portal: PortalBinding): PortalLinkKind {
  return portal.link ?? 'assessment';
}
