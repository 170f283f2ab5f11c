import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { ApolloFederationDriver, ApolloFederationDriverConfig } from '@nestjs/apollo';
import { DynamicModule, Type } from '@nestjs/common';
import { BuildSchemaOptions, GraphQLModule } from '@nestjs/graphql';
import { formatProblemError } from './problem-errors';

export interface SubgraphOptions {
  introspection: boolean;
  /**
   * The modules of this subgraph: those holding its resolvers and the one its types are registered
   * in (`registerIn`). Given, the schema holds only their resolvers and types (and shared ones), so
   * that several subgraphs can be built in one process.
   */
  include?: Type<unknown>[];
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
    // `include` selects the resolvers; the schema factory filters types by `includeModules`, which
    // @nestjs/graphql passes on from `include` for a plain schema but a federated one only receives
    // through the build options.
    ...(options.include ? { include: options.include, buildSchemaOptions: { includeModules: options.include } as BuildSchemaOptions } : {}),
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
