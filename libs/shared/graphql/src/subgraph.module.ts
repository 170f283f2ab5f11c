import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { ApolloFederationDriver, ApolloFederationDriverConfig } from '@nestjs/apollo';
import { DynamicModule } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import { formatProblemError } from './problem-errors';

export interface SubgraphOptions {
  introspection: boolean;
}

/**
 * A standard Federation 2 subgraph (code first) on the service's Fastify server. It is reached only
 * through the gateway, which forwards the caller's identity in the internal token.
 */
export function subgraphOptions(options: SubgraphOptions): ApolloFederationDriverConfig {
  return {
    driver: ApolloFederationDriver,
    // Pin the federation spec the supergraph composer and the runtime both understand.
    autoSchemaFile: {
      federation: {
        version: 2,
        importUrl: 'https://specs.apollo.dev/federation/v2.3',
        directives: [
          '@composeDirective',
          '@extends',
          '@external',
          '@inaccessible',
          '@interfaceObject',
          '@key',
          '@override',
          '@provides',
          '@requires',
          '@shareable',
          '@tag',
        ],
      },
    },
    sortSchema: true,
    path: '/graphql',
    playground: false,
    introspection: options.introspection,
    includeStacktraceInErrorResponses: false,
    formatError: formatProblemError,
    context: ({ req }: { req: unknown }) => ({ req }),
    // Access rules apply to every field resolver, not only to root queries and mutations.
    fieldResolverEnhancers: ['guards', 'filters'],
    // No federated tracing, and no cache hints: the gateway reads neither, and the cache-control
    // plugin alone would wrap every field resolver of the schema to compute them.
    plugins: [ApolloServerPluginInlineTraceDisabled(), ApolloServerPluginCacheControlDisabled()],
  };
}

export function createSubgraphModule(options: SubgraphOptions): DynamicModule {
  return GraphQLModule.forRoot<ApolloFederationDriverConfig>(subgraphOptions(options));
}
