import type { Identity } from '@assay/shared/contracts';
import { ProblemException } from '@assay/shared/http';
import type { FastifyRequest } from 'fastify';

/**
 * Turns a request's credentials into an identity. Requests without credentials are anonymous
 * (services decide per route whether that is enough). Credentials of a kind this gateway cannot
 * verify are refused rather than downgraded to anonymous.
 */
export class GatewayAuthenticator {
  async authenticate(request: FastifyRequest): Promise<Identity> {
    const authorization = request.headers.authorization;
    if (authorization !== undefined) {
      throw new ProblemException(401, 'The credentials are not valid', {}, { 'www-authenticate': 'Bearer' });
    }
    return { kind: 'anonymous', principalId: null, tenantId: null, role: null, scopes: [], portal: null, requestId: request.id };
  }
}

/** A stable key per caller, scoping idempotency keys and (later) rate limits. */
export function principalKey(identity: Identity, request: FastifyRequest): string {
  return identity.kind === 'anonymous' ? `anonymous:${request.ip}` : `${identity.kind}:${identity.tenantId ?? '-'}:${identity.principalId}`;
}
