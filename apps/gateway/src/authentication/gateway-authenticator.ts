import { AccessTokenVerifier, IdentityTokenIssuer, bearerKind } from '@assay/shared/auth';
import type { AppConfig } from '@assay/shared/config';
import type { Identity } from '@assay/shared/contracts';
import { ProblemException } from '@assay/shared/http';
import type { FastifyRequest } from 'fastify';
import type { RedisClient } from '@assay/shared/redis';
import { Authenticator } from 'passport';
import type { ServiceUpstreams } from '../proxy/service-upstreams';
import { ApiKeyStrategy, InternalCredentialClient, PortalTokenStrategy, Refusal, UserJwtStrategy, bearerToken } from './credential-strategies';

const STRATEGY_FOR = { user: 'user-jwt', api_key: 'api-key', portal: 'portal-token' } as const;

/**
 * Turns a request's credentials into an identity with passport strategies, one per kind of bearer
 * credential (picked by its prefix). No credentials: anonymous (services decide per route whether
 * that is enough). Credentials that do not verify are refused, never downgraded to anonymous.
 */
export class GatewayAuthenticator {
  private readonly passport = new Authenticator();

  constructor(config: AppConfig, issuer: IdentityTokenIssuer, redis: RedisClient, upstreams: ServiceUpstreams) {
    if (!config.accessTokenPublicKey) throw new Error('ACCESS_TOKEN_PUBLIC_KEY is required by the gateway');
    const client = new InternalCredentialClient(upstreams, issuer);
    this.passport.use(new UserJwtStrategy(new AccessTokenVerifier(config.accessTokenPublicKey), redis));
    this.passport.use(new ApiKeyStrategy(client));
    this.passport.use(new PortalTokenStrategy(client));
  }

  async authenticate(request: FastifyRequest): Promise<Identity> {
    const raw = Object.assign(request.raw, { assayRequestId: request.id });
    if (request.headers.authorization === undefined) {
      return { kind: 'anonymous', principalId: null, tenantId: null, role: null, scopes: [], portal: null, requestId: request.id };
    }
    const token = bearerToken(raw);
    if (!token) throw new ProblemException(401, 'Use `Authorization: Bearer <token>`', {}, { 'www-authenticate': 'Bearer' });
    const strategy = STRATEGY_FOR[bearerKind(token)];
    return new Promise<Identity>((resolve, reject) => {
      const done = (error: unknown, identity: Identity | false, refusal?: Refusal) => {
        if (error) {
          request.log.warn({ err: error, strategy }, 'credential check failed');
          return reject(new ProblemException(503, 'Credentials cannot be checked right now; retry shortly', {}, { 'retry-after': '5' }));
        }
        if (!identity)
          return reject(
            new ProblemException(401, refusal?.message ?? 'The credentials are not valid', {}, { 'www-authenticate': 'Bearer error="invalid_token"' }),
          );
        resolve(identity);
      };
      this.passport.authenticate(strategy, { session: false }, done)(raw, request.raw, (error?: unknown) => done(error ?? new Error('unexpected pass'), false));
    });
  }
}

/** A stable key per caller, scoping idempotency keys and rate limits. */
export function principalKey(identity: Identity, request: FastifyRequest): string {
  return identity.kind === 'anonymous' ? `anonymous:${request.ip}` : `${identity.kind}:${identity.tenantId ?? '-'}:${identity.principalId}`;
}
