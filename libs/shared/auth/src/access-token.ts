import { MFA_ENROLMENT_SCOPE, ROLES, Role } from '@assay/shared/contracts';
import { KeyObject, createPrivateKey, createPublicKey, randomUUID } from 'node:crypto';
import { SignJWT, errors as joseErrors, jwtVerify } from 'jose';
import { LRUCache } from 'lru-cache';

/** The only algorithm a user access token may use: a token claiming any other is refused. */
export const ACCESS_TOKEN_ALGORITHMS = ['EdDSA'] as const;
export const ACCESS_TOKEN_ISSUER = 'assay';
export const ACCESS_TOKEN_AUDIENCE = 'assay-api';
export const ACCESS_TOKEN_LIFETIME_SECONDS = 15 * 60;

/** What a user access token says: one user, one tenant, one session. */
export interface AccessTokenClaims {
  userId: string;
  tenantId: string;
  /** null while the session may only enrol a second factor. */
  role: Role | null;
  sessionId: string;
  mfa: boolean;
  /** The session must enrol MFA before it may do anything else. */
  enrolmentOnly: boolean;
}

export class InvalidAccessTokenError extends Error {
  constructor(readonly reason: string) {
    super(`Invalid access token: ${reason}`);
    this.name = 'InvalidAccessTokenError';
  }
}

function ed25519(key: KeyObject, what: string): KeyObject {
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`The access token ${what} must be an Ed25519 key`);
  return key;
}

/** Held by the tenancy service: signs the 15-minute access tokens it hands to users. */
export class AccessTokenSigner {
  private readonly key: KeyObject;

  constructor(privateKeyPem: string) {
    this.key = ed25519(createPrivateKey(privateKeyPem), 'private key');
  }

  async sign(claims: AccessTokenClaims): Promise<{ token: string; expiresAt: Date }> {
    const issuedAt = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({
      tid: claims.tenantId,
      role: claims.role,
      sid: claims.sessionId,
      amr: claims.mfa ? ['pwd', 'otp'] : ['pwd'],
      ...(claims.enrolmentOnly ? { scope: MFA_ENROLMENT_SCOPE } : {}),
    })
      .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt' })
      .setIssuer(ACCESS_TOKEN_ISSUER)
      .setAudience(ACCESS_TOKEN_AUDIENCE)
      .setSubject(claims.userId)
      .setJti(randomUUID())
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + ACCESS_TOKEN_LIFETIME_SECONDS)
      .sign(this.key);
    return { token, expiresAt: new Date((issuedAt + ACCESS_TOKEN_LIFETIME_SECONDS) * 1000) };
  }
}

/** Held by the gateway: verifies algorithm, issuer, audience, lifetime and the claims' shape. */
export class AccessTokenVerifier {
  private readonly key: KeyObject;

  constructor(publicKeyPem: string) {
    this.key = ed25519(createPublicKey(publicKeyPem), 'public key');
  }

  /**
   * Tokens already verified, until they expire (at most 10,000, least recently used forgotten first):
   * a client's next request with the same token costs a lookup, not a signature check. Revocation is
   * not cached: the caller still checks the session on every request.
   */
  private readonly verified = new LRUCache<string, AccessTokenClaims>({ max: 10_000 });

  async verify(token: string): Promise<AccessTokenClaims> {
    const known = this.verified.get(token);
    if (known) return known;
    const { claims, expiresAtMs } = await this.check(token);
    const liveMs = expiresAtMs - Date.now();
    if (liveMs > 0) this.verified.set(token, claims, { ttl: liveMs });
    return claims;
  }

  private async check(token: string): Promise<{ claims: AccessTokenClaims; expiresAtMs: number }> {
    try {
      const { payload, protectedHeader } = await jwtVerify(token, this.key, {
        algorithms: [...ACCESS_TOKEN_ALGORITHMS],
        issuer: ACCESS_TOKEN_ISSUER,
        audience: ACCESS_TOKEN_AUDIENCE,
        typ: 'at+jwt',
        requiredClaims: ['exp', 'iat', 'sub', 'jti'],
        maxTokenAge: `${ACCESS_TOKEN_LIFETIME_SECONDS + 5}s`,
        clockTolerance: 5,
      });
      if (protectedHeader.crit) throw new InvalidAccessTokenError('unsupported critical header');
      const { sub, tid, role, sid, amr, scope } = payload as Record<string, unknown>;
      if (typeof sub !== 'string' || typeof tid !== 'string' || typeof sid !== 'string') throw new InvalidAccessTokenError('missing claims');
      if (role !== null && !(typeof role === 'string' && (ROLES as readonly string[]).includes(role))) throw new InvalidAccessTokenError('bad role');
      const enrolmentOnly = scope === MFA_ENROLMENT_SCOPE;
      const claims: AccessTokenClaims = {
        userId: sub,
        tenantId: tid,
        role: enrolmentOnly ? null : (role as Role | null),
        sessionId: sid,
        mfa: Array.isArray(amr) && amr.includes('otp'),
        enrolmentOnly,
      };
      // No longer than jose accepts it: its expiry and its maximum age from `iat`.
      const expiresAtMs = Math.min(payload.exp ?? 0, (payload.iat ?? 0) + ACCESS_TOKEN_LIFETIME_SECONDS) * 1000;
      return { claims, expiresAtMs };
    } catch (error) {
      if (error instanceof InvalidAccessTokenError) throw error;
      if (error instanceof joseErrors.JOSEError) throw new InvalidAccessTokenError(error.code);
      throw new InvalidAccessTokenError('unreadable');
    }
  }
}

/**
 * Redis key marking a sign-in session as revoked (logout, refresh-token reuse, role change or
 * removal). The gateway refuses access tokens of a revoked session; the key outlives every access
 * token the session could still hold.
 */
export function revokedSessionKey(sessionId: string): string {
  return `assay:auth:revoked-session:${sessionId}`;
}
export const REVOKED_SESSION_TTL_SECONDS = ACCESS_TOKEN_LIFETIME_SECONDS + 60;
