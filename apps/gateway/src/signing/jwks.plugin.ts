import { JWKS_MEDIA_TYPE, reportJwks } from '@assay/shared/auth';
import type { AppConfig } from '@assay/shared/config';
import type { FastifyInstance } from 'fastify';

/**
 * `GET /.well-known/jwks.json`: the public keys that verify signed assurance packs (RFC 7517), the
 * current key first and every retired one after it, so a pack signed before a rotation still verifies.
 */
export async function jwksPlugin(fastify: FastifyInstance, options: { config: AppConfig }): Promise<void> {
  const body = Buffer.from(JSON.stringify(await reportJwks(options.config.reportSigningPublicKeys)));
  const headers = { 'content-type': JWKS_MEDIA_TYPE, 'cache-control': 'public, max-age=300', 'x-content-type-options': 'nosniff' };
  fastify.get('/.well-known/jwks.json', async (_request, reply) => reply.headers(headers).send(body));
}
