import { Identity, PortalIdentity, TenantIdentity, isPortalIdentity, isTenantIdentity } from '@assay/shared/contracts';
import { ClsServiceManager, ClsStore } from 'nestjs-cls';

export interface AssayClsStore extends ClsStore {
  identity?: Identity;
  /** The tenant a unit of work acts for; for requests it comes from the identity, for jobs from the payload. */
  tenantId?: string;
  requestId?: string;
  /** SQL statements this request or job has run (for the query-count header and tests of batching). */
  dbQueries?: number;
}

/** Thrown when code that must run for a tenant runs outside any tenant context: fail closed. */
export class TenantContextMissingError extends Error {
  constructor(what = 'tenant') {
    super(`No ${what} in the current context: this code must run inside a request or job bound to a tenant`);
    this.name = 'TenantContextMissingError';
  }
}

function store() {
  return ClsServiceManager.getClsService<AssayClsStore>();
}

/**
 * The request/job context held in AsyncLocalStorage. Getters throw when the value is unset, so a
 * query can never silently run without a tenant.
 */
export const RequestContext = {
  isActive(): boolean {
    return store().isActive();
  },

  get tenantId(): string {
    const cls = store();
    const tenantId = cls.isActive() ? cls.get('tenantId') : undefined;
    if (!tenantId) throw new TenantContextMissingError();
    return tenantId;
  },

  get identity(): Identity {
    const cls = store();
    const identity = cls.isActive() ? cls.get('identity') : undefined;
    if (!identity) throw new TenantContextMissingError('identity');
    return identity;
  },

  /**
   * The caller's identity with its tenant: what a tenant route passes to its use case. Throws when the
   * caller acts for no tenant (the access guard refuses such callers on tenant routes first).
   */
  get tenantIdentity(): TenantIdentity {
    const identity = RequestContext.identity;
    if (!isTenantIdentity(identity)) throw new TenantContextMissingError();
    return identity;
  },

  /** The caller's supplier portal identity (one tenant, assessment and contact); throws for any other caller. */
  get portalIdentity(): PortalIdentity {
    const identity = RequestContext.identity;
    if (!isPortalIdentity(identity)) throw new TenantContextMissingError('portal identity');
    return identity;
  },

  /** The tenant if one is bound, for logging; never use it to scope data. */
  peekTenantId(): string | undefined {
    const cls = store();
    return cls.isActive() ? cls.get('tenantId') : undefined;
  },

  /** The caller's principal if an identity is bound, for logging; never use it to decide access. */
  peekPrincipalId(): string | undefined {
    const cls = store();
    return (cls.isActive() ? cls.get('identity')?.principalId : undefined) ?? undefined;
  },

  peekRequestId(): string | undefined {
    const cls = store();
    return cls.isActive() ? cls.get('requestId') : undefined;
  },

  /** Counts SQL statements (one unless told) against the current request or job, if there is one. */
  countQuery(statements = 1): void {
    const cls = store();
    if (cls.isActive()) cls.set('dbQueries', (cls.get('dbQueries') ?? 0) + statements);
  },

  /** SQL statements run so far in the current context (undefined outside one). */
  queryCount(): number | undefined {
    const cls = store();
    return cls.isActive() ? (cls.get('dbQueries') ?? 0) : undefined;
  },

  /** Whether the current context is bound to this very identity (bound by {@link bindIdentity}). */
  isBoundTo(identity: Identity): boolean {
    const cls = store();
    return cls.isActive() && cls.get('identity') === identity;
  },

  /** Binds the identity (and its tenant) to the current context, which must already exist. */
  bindIdentity(identity: Identity): void {
    const cls = store();
    cls.set('identity', identity);
    cls.set('requestId', identity.requestId);
    if (identity.tenantId) cls.set('tenantId', identity.tenantId);
  },

  /** Runs `fn` in a fresh context bound to one tenant (jobs, scripts, tests). */
  runForTenant<T>(tenantId: string, fn: () => Promise<T>, extra: Partial<AssayClsStore> = {}): Promise<T> {
    if (!tenantId) return Promise.reject(new TenantContextMissingError());
    return store().run(async () => {
      const cls = store();
      cls.set('tenantId', tenantId);
      for (const [key, value] of Object.entries(extra)) cls.set(key as keyof AssayClsStore & string, value);
      return fn();
    });
  },

  /**
   * Runs `next` (the rest of an HTTP request's handling) in a fresh, empty context; the access guard
   * binds the caller to it. Called once per request by the HTTP processes' request-context middleware.
   */
  openForRequest(next: () => void): void {
    store().run(next);
  },

  /** Runs `fn` in a fresh context with no tenant bound (system work that fans out per tenant). */
  runDetached<T>(fn: () => Promise<T>): Promise<T> {
    return store().run(fn);
  },
};
