import { IdentityTokenIssuer } from '@assay/shared/auth';
import { AppConfig, ConfigError } from '@assay/shared/config';
import { IdempotencyStore } from '@assay/shared/http';
import { HttpAppOptions, createHttpApp, listen } from '@assay/shared/http/app';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { RedisClient } from '@assay/shared/redis';
import { GatewayAuthenticator } from './authentication/gateway-authenticator';
import { GATEWAY_REDIS, GatewayModule } from './gateway.module';
import { graphqlGatewayPlugin } from './graphql/graphql-gateway.plugin';
import { apiDocsPlugin } from './openapi/api-docs.plugin';
import { OpenApiMerger } from './openapi/openapi-merger';
import { restProxyPlugin } from './proxy/rest-proxy.plugin';
import { ServiceUpstreams } from './proxy/service-upstreams';
import { portalPagePlugin } from './portal/portal-page.plugin';
import { GatewayRateLimits } from './rate-limit/rate-limits';
import { securityTxtPlugin } from './security/security-txt.plugin';
import { jwksPlugin } from './signing/jwks.plugin';

/** The composed supergraph written by the build (dist/supergraph.graphql), or SUPERGRAPH_PATH. */
function supergraphPath(): string {
  const candidates = [process.env['SUPERGRAPH_PATH'], join(__dirname, '../../../supergraph.graphql')].filter((p): p is string => !!p);
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found) throw new ConfigError([`no supergraph found (looked at ${candidates.join(', ')}); run npm run build`]);
  return found;
}

/**
 * Builds the gateway from the configuration given and has it listen on its port. Its own process
 * (main.ts) and the combined process of `npm start` both boot it through this.
 */
export async function startGateway(config: AppConfig, options: Pick<HttpAppOptions, 'shutdownHooks'> = {}): Promise<NestFastifyApplication> {
  const issuer = new IdentityTokenIssuer(config.internalTokenPrivateKey as string);
  const rateLimits = new GatewayRateLimits(config);
  const upstreams = new ServiceUpstreams(config.serviceUpstreams);
  const app = await createHttpApp(GatewayModule.register(config), config, {
    ...options,
    bodyLimit: 1024 * 1024,
    configure: async (instance) => {
      const fastify = instance.getHttpAdapter().getInstance();
      const redis = instance.get<RedisClient>(GATEWAY_REDIS);
      const authenticator = new GatewayAuthenticator(config, issuer, redis, upstreams);
      await rateLimits.register(fastify, redis);
      await fastify.register(restProxyPlugin, {
        prefix: '/api/v1',
        config,
        authenticator,
        issuer,
        idempotency: new IdempotencyStore(redis),
        rateLimits,
        upstreams,
      });
      await fastify.register(graphqlGatewayPlugin, { config, authenticator, issuer, supergraphPath: supergraphPath(), rateLimits, upstreams });
      await fastify.register(securityTxtPlugin, { config });
      await fastify.register(jwksPlugin, { config });
      await fastify.register(apiDocsPlugin, { merger: new OpenApiMerger(config) });
      await fastify.register(portalPagePlugin);
    },
  });
  await listen(app, config);
  return app;
}
