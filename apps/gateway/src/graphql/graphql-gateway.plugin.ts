import { INTERNAL_IDENTITY_HEADER, IdentityTokenIssuer } from '@assay/shared/auth';
import type { AppConfig } from '@assay/shared/config';
import { Identity, SERVICE_NAMES, ServiceName } from '@assay/shared/contracts';
import { PROBLEM_CONTENT_TYPE, ProblemDetailsFilter } from '@assay/shared/http';
import { localServers } from '@assay/shared/http/app';
import { costLimitPlugin } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { createGatewayRuntime } from '@graphql-hive/gateway-runtime';
import { unifiedGraphHandler } from '@graphql-hive/router-runtime';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { readFileSync } from 'node:fs';
import type { GatewayAuthenticator } from '../authentication/gateway-authenticator';
import { authenticateAndLimit } from '../proxy/rest-proxy.plugin';
import type { ServiceUpstreams } from '../proxy/service-upstreams';
import { argumentRangePlugin } from './argument-ranges';
import { inProcessFetch } from './in-process-fetch';
import type { GatewayRateLimits } from '../rate-limit/rate-limits';

export interface GraphqlGatewayDeps {
  config: AppConfig;
  authenticator: GatewayAuthenticator;
  issuer: IdentityTokenIssuer;
  supergraphPath: string;
  rateLimits: GatewayRateLimits;
  upstreams: ServiceUpstreams;
}

interface ServerContext {
  req: FastifyRequest;
  reply: FastifyReply;
  identity: Identity;
}

/** Operation limits of the public contract: depth ≤ 10, aliases ≤ 15, cost ≤ 5000. Checked before any subgraph is called. */
export const GRAPHQL_LIMITS = { maxDepth: 10, maxAliases: 15, maxCost: 5000 } as const;

/** Media types of a response that holds one complete result (not an event stream or multipart). */
const SINGLE_RESULT = /^application\/(graphql-response\+)?json\b/i;

function isServiceName(name: string): name is ServiceName {
  return (SERVICE_NAMES as readonly string[]).includes(name);
}

/**
 * `/graphql`: the federated graph, executed by Hive Gateway runtime with the Rust query planner over
 * the statically composed supergraph. Each subgraph call carries an identity token for that subgraph.
 */
export async function graphqlGatewayPlugin(fastify: FastifyInstance, deps: GraphqlGatewayDeps): Promise<void> {
  const supergraph = readFileSync(deps.supergraphPath, 'utf8');
  const errors = new ProblemDetailsFilter();
  const gateway = createGatewayRuntime<ServerContext>({
    supergraph,
    unifiedGraphHandler,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    graphiql: false,
    logging: deps.config.logLevel === 'debug' ? 'debug' : 'error',
    disableIntrospection: deps.config.graphqlIntrospection ? undefined : { disableIf: () => true },
    plugins: () => [
      argumentRangePlugin(),
      maxDepthPlugin({ n: GRAPHQL_LIMITS.maxDepth, ignoreIntrospection: true, flattenFragments: true }),
      maxAliasesPlugin({ n: GRAPHQL_LIMITS.maxAliases }),
      costLimitPlugin({ maxCost: GRAPHQL_LIMITS.maxCost, ignoreIntrospection: true }),
      // Subgraph calls go to the service's replicas in turn (the transport names the first), and to a
      // service of this process without a connection.
      {
        onFetch: ({ url, setURL, setFetchFn }) => {
          const routed = deps.upstreams.route(url);
          if (routed !== url) setURL(routed);
          const local = localServers.at(routed);
          if (local) setFetchFn(inProcessFetch(local, gateway.fetchAPI.Response) as never);
        },
      },
    ],
    // No in-flight deduplication of subgraph calls: each call carries its request's own id, so no two
    // are ever alike, and deduplicating still cloned every subgraph result (structuredClone).
    transportEntries: Object.fromEntries(
      SERVICE_NAMES.map((name) => [name, { location: `${deps.config.serviceUrls[name]}/graphql`, options: { deduplicateInflightRequests: false } }]),
    ),
    propagateHeaders: {
      fromClientToSubgraphs: async ({ context, subgraphName }) => {
        const audience = subgraphName.toLowerCase();
        if (!context.identity || !isServiceName(audience)) return {};
        return { [INTERNAL_IDENTITY_HEADER]: await deps.issuer.issue(context.identity, audience), 'x-request-id': context.identity.requestId };
      },
    },
  });
  fastify.addHook('onClose', async () => gateway.dispose());

  fastify.route({
    url: '/graphql',
    method: ['GET', 'POST', 'OPTIONS'],
    handler: async (request, reply) => {
      let identity: Identity;
      try {
        identity = await authenticateAndLimit(deps, request, reply);
      } catch (error) {
        const { body, headers } = errors.toProblem(error);
        return reply.status(body.status).headers(headers).header('content-type', PROBLEM_CONTENT_TYPE).send(body);
      }
      const response = await gateway.handleNodeRequestAndResponse(request, reply, { req: request, reply, identity });
      response.headers.forEach((value, key) => void reply.header(key, value));
      void reply.status(response.status);
      // A single result (JSON) is already a whole string: sent as it is, in one write with its length,
      // rather than piped as a stream. Incremental results (event streams, multipart) stay streamed.
      if (SINGLE_RESULT.test(response.headers.get('content-type') ?? '')) return reply.send(await response.text());
      return reply.send(response.body);
    },
  });
}
