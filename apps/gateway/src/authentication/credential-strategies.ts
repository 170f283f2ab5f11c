import {
  AccessTokenVerifier,
  GATEWAY_PRINCIPAL,
  INTERNAL_IDENTITY_HEADER,
  IdentityTokenIssuer,
  InvalidAccessTokenError,
  parseApiKey,
  revokedSessionKey,
} from '@assay/shared/auth';
import type { Identity, ServiceName, VerifiedPortalToken } from '@assay/shared/contracts';
import type { RedisClient } from '@assay/shared/redis';
import type { ServiceUpstreams } from '../proxy/service-upstreams';
import type { IncomingMessage } from 'node:http';
import { Strategy } from 'passport-strategy';

/** The bearer credential of a request, or null. */
export function bearerToken(request: IncomingMessage): string | null {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return null;
  const match = /^Bearer[ ]+([^\s]{1,4096})$/i.exec(header.trim());
  return match?.[1] ?? null;
}

/** Why a credential was refused, carried through passport's `fail` to a 401. */
export interface Refusal {
  message: string;
}

type RequestWithId = IncomingMessage & { assayRequestId?: string };

function requestId(request: RequestWithId): string {
  return request.assayRequestId ?? 'unknown';
}

/**
 * Calls a service's internal credential check as the gateway itself (a `system` identity token for
 * that service), so the check is reachable only by the gateway.
 */
export class InternalCredentialClient {
  constructor(
    private readonly upstreams: ServiceUpstreams,
    private readonly issuer: IdentityTokenIssuer,
  ) {}

  async post<T>(service: ServiceName, path: string, body: unknown, rid: string): Promise<T | null> {
    const identity: Identity = { kind: 'system', principalId: GATEWAY_PRINCIPAL, tenantId: null, role: null, scopes: [], portal: null, requestId: rid };
    const response = await fetch(`${this.upstreams.pick(service)}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [INTERNAL_IDENTITY_HEADER]: await this.issuer.issue(identity, service), 'x-request-id': rid },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(5000),
    });
    if (response.status === 404) return null;
    if (!response.ok) throw new Error(`${service} credential check answered ${response.status}`);
    return (await response.json()) as T;
  }
}

/** User access tokens: EdDSA only, issuer, audience, expiry, and not from a revoked session. */
export class UserJwtStrategy extends Strategy {
  name = 'user-jwt';

  constructor(
    private readonly verifier: AccessTokenVerifier,
    private readonly redis: RedisClient,
  ) {
    super();
  }

  override authenticate(request: RequestWithId): void {
    const token = bearerToken(request);
    if (!token) return this.fail({ message: 'A bearer token is required' } satisfies Refusal, 401);
    this.verifier
      .verify(token)
      .then(async (claims) => {
        if (await this.redis.exists(revokedSessionKey(claims.sessionId)))
          return this.fail({ message: 'This session has ended; sign in again' } satisfies Refusal, 401);
        const identity: Identity = {
          kind: 'user',
          principalId: claims.userId,
          tenantId: claims.tenantId,
          role: claims.role,
          scopes: claims.enrolmentOnly ? ['mfa:enrol'] : [],
          portal: null,
          requestId: requestId(request),
          sessionId: claims.sessionId,
          mfa: claims.mfa,
        };
        return this.success(identity);
      })
      .catch((error: unknown) => {
        if (error instanceof InvalidAccessTokenError) return this.fail({ message: 'The access token is not valid or has expired' } satisfies Refusal, 401);
        return this.error(error as Error);
      });
  }
}

/** API keys: checksum first (no lookup for a mistyped key), then the tenancy service's check. */
export class ApiKeyStrategy extends Strategy {
  name = 'api-key';

  constructor(private readonly client: InternalCredentialClient) {
    super();
  }

  override authenticate(request: RequestWithId): void {
    const key = bearerToken(request);
    if (!key || !parseApiKey(key)) return this.fail({ message: 'The API key is not valid' } satisfies Refusal, 401);
    this.client
      .post<{ key: { tenantId: string; keyId: string; scopes: string[] } | null }>('tenancy', '/internal/credentials/api-key', { key }, requestId(request))
      .then((result) => {
        if (!result?.key) return this.fail({ message: 'The API key is not valid, has expired or was revoked' } satisfies Refusal, 401);
        const identity: Identity = {
          kind: 'api_key',
          principalId: result.key.keyId,
          tenantId: result.key.tenantId,
          role: null,
          scopes: result.key.scopes,
          portal: null,
          requestId: requestId(request),
        };
        return this.success(identity);
      })
      .catch((error: unknown) => this.error(error as Error));
  }
}

/** Supplier portal tokens: checked by the assessments service, which issues them. */
export class PortalTokenStrategy extends Strategy {
  name = 'portal-token';

  constructor(private readonly client: InternalCredentialClient) {
    super();
  }

  override authenticate(request: RequestWithId): void {
    const token = bearerToken(request);
    if (!token || token.length > 256) return this.fail({ message: 'The portal link is not valid' } satisfies Refusal, 401);
    this.client
      .post<{ portal: VerifiedPortalToken | null }>('assessments', '/internal/credentials/portal-token', { token }, requestId(request))
      .then((result) => {
        if (!result?.portal) return this.fail({ message: 'The portal link is not valid, has expired or was withdrawn' } satisfies Refusal, 401);
        const identity: Identity = {
          kind: 'portal',
          principalId: result.portal.tokenId,
          tenantId: result.portal.tenantId,
          role: null,
          scopes: [],
          portal: {
            assessmentId: result.portal.assessmentId,
            contactId: result.portal.contactId,
            ...(result.portal.link ? { link: result.portal.link } : {}),
            ...(result.portal.evidenceId ? { evidenceId: result.portal.evidenceId } : {}),
            ...(result.portal.inquiryId ? { inquiryId: result.portal.inquiryId } : {}),
          },
          requestId: requestId(request),
        };
        return this.success(identity);
      })
      .catch((error: unknown) => this.error(error as Error));
  }
}
