import { machineNow } from '@assay/shared/clock';
import { Identity, PRINCIPAL_KINDS, ROLES, ServiceName } from '@assay/shared/contracts';
import { KeyObject, createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { SignJWT, errors as joseErrors, jwtVerify } from 'jose';
import { LRUCache } from 'lru-cache';

export const INTERNAL_IDENTITY_HEADER = 'x-assay-identity';
export const INTERNAL_TOKEN_ISSUER = 'assay-gateway';
const ALGORITHM = 'EdDSA';
const LIFETIME_SECONDS = 60;
/**
 * A token is signed once per caller and audience and reused for half its lifetime, so a service
 * always receives one with at least 30 s to live, and the gateway signs about once per caller per
 * half-minute instead of once per request. The request id travels in `x-request-id`, not in the token.
 */
const REUSE_MS = (LIFETIME_SECONDS / 2) * 1000;
/** Callers (or tokens) remembered at most; the least recently used are forgotten first. */
const CACHED_ENTRIES = 10_000;

type CallerIdentity = Omit<Identity, 'requestId'>;

export class InvalidIdentityTokenError extends Error {
  constructor(reason: string) {
    super(`Invalid internal identity token: ${reason}`);
    this.name = 'InvalidIdentityTokenError';
  }
}

/** A fresh Ed25519 key pair as PEM (used by `npm start`/tests to provision local keys). */
export function generateIdentityKeyPair(): { privateKey: string; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/**
 * Held by the gateway only: signs the short-lived token that tells a service who is calling. The
 * audience is the one service the request goes to, so a token captured at one service is useless
 * at another.
 */
export class IdentityTokenIssuer {
  private readonly key: KeyObject;

  constructor(privateKeyPem: string) {
    this.key = createPrivateKey(privateKeyPem);
    if (this.key.asymmetricKeyType !== 'ed25519') throw new Error('The internal identity key must be an Ed25519 private key');
  }

  private readonly signed = new LRUCache<string, Promise<string>>({ max: CACHED_ENTRIES, ttl: REUSE_MS });

  async issue(identity: Identity, audience: ServiceName): Promise<string> {
    const caller = JSON.stringify([
      audience,
      identity.kind,
      identity.principalId,
      identity.tenantId,
      identity.role,
      identity.scopes,
      identity.portal,
      identity.sessionId ?? null,
      identity.mfa ?? false,
    ]);
    const cached = this.signed.get(caller);
    if (cached) return cached;
    const token = this.sign(identity, audience);
    this.signed.set(caller, token);
    token.catch(() => this.signed.delete(caller));
    return token;
  }

  private sign(identity: Identity, audience: ServiceName): Promise<string> {
    return new SignJWT({
      kind: identity.kind,
      tid: identity.tenantId,
      role: identity.role,
      scopes: identity.scopes,
      portal: identity.portal,
      sid: identity.sessionId ?? null,
      mfa: identity.mfa ?? false,
    })
      .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
      .setIssuer(INTERNAL_TOKEN_ISSUER)
      .setAudience(audience)
      .setSubject(identity.principalId ?? 'anonymous')
      .setIssuedAt()
      .setExpirationTime(`${LIFETIME_SECONDS}s`)
      .sign(this.key);
  }
}

/** Held by every service: verifies the gateway's token, with a fixed algorithm, issuer and audience. */
export class IdentityTokenVerifier {
  private readonly key: KeyObject;

  constructor(
    publicKeyPem: string,
    private readonly audience: ServiceName,
  ) {
    this.key = createPublicKey(publicKeyPem);
    if (this.key.asymmetricKeyType !== 'ed25519') throw new Error('The internal identity key must be an Ed25519 public key');
  }

  /** Tokens already verified, until they expire: a token the gateway reuses is checked once here too. */
  private readonly verified = new LRUCache<string, CallerIdentity>({ max: CACHED_ENTRIES });

  /** The caller the token names; `requestId` is the request's own id (`x-request-id`). */
  async verify(token: string | undefined, requestId = 'unknown'): Promise<Identity> {
    if (!token) throw new InvalidIdentityTokenError('missing');
    const known = this.verified.get(token);
    if (known) return { ...known, requestId };
    const { identity, expiresAtMs } = await this.check(token);
    // Transport tokens between processes live in machine time.
    const liveMs = expiresAtMs - machineNow();
    if (liveMs > 0) this.verified.set(token, identity, { ttl: liveMs });
    return { ...identity, requestId };
  }

  private async check(token: string): Promise<{ identity: CallerIdentity; expiresAtMs: number }> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: [ALGORITHM],
        issuer: INTERNAL_TOKEN_ISSUER,
        audience: this.audience,
        maxTokenAge: `${LIFETIME_SECONDS + 5}s`,
        clockTolerance: 5,
      });
      const kind = payload['kind'];
      const role = payload['role'];
      if (typeof kind !== 'string' || !(PRINCIPAL_KINDS as readonly string[]).includes(kind)) throw new InvalidIdentityTokenError('bad kind');
      if (role !== null && (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role))) throw new InvalidIdentityTokenError('bad role');
      const tenantId = payload['tid'];
      const scopes = payload['scopes'];
      const portal = payload['portal'] as Identity['portal'] | undefined;
      const identity: CallerIdentity = {
        kind: kind as Identity['kind'],
        principalId: payload.sub && payload.sub !== 'anonymous' ? payload.sub : null,
        tenantId: typeof tenantId === 'string' ? tenantId : null,
        role: (role as Identity['role']) ?? null,
        scopes: Array.isArray(scopes) ? scopes.filter((scope): scope is string => typeof scope === 'string') : [],
        portal:
          portal && typeof portal.assessmentId === 'string' && typeof portal.contactId === 'string'
            ? {
                assessmentId: portal.assessmentId,
                contactId: portal.contactId,
                ...(portal.link === 'renewal' || portal.link === 'findings' || portal.link === 'inquiry' ? { link: portal.link } : {}),
                ...(typeof portal.evidenceId === 'string' ? { evidenceId: portal.evidenceId } : {}),
                ...(typeof portal.inquiryId === 'string' ? { inquiryId: portal.inquiryId } : {}),
              }
            : null,
        sessionId: typeof payload['sid'] === 'string' ? payload['sid'] : null,
        mfa: payload['mfa'] === true,
      };
      // Remembered no longer than jose would accept it (expiry, and the maximum age from `iat`).
      const expiresAtMs = Math.min(payload.exp ?? 0, (payload.iat ?? 0) + LIFETIME_SECONDS) * 1000;
      return { identity, expiresAtMs };
    } catch (error) {
      if (error instanceof InvalidIdentityTokenError) throw error;
      if (error instanceof joseErrors.JOSEError) throw new InvalidIdentityTokenError(error.code);
      throw new InvalidIdentityTokenError('unreadable');
    }
  }
}
