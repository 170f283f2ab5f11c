import { AppConfig, loadConfig, ConfigError } from '@assay/shared/config';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { ServiceName } from '@assay/shared/contracts';
import { createSubgraphModule } from '@assay/shared/graphql';
import { DynamicModule, Module, Type } from '@nestjs/common';
import { MODULE_METADATA } from '@nestjs/common/constants';
import { deferMalformedJson } from './deferred-json';
import { HttpAppOptions, createHttpApp, listen, serveOpenApi } from './http-app.bootstrap';
import { exitWithParent } from './process-lifetime';
import { ServiceCoreModule } from './service-core.module';

export interface ServiceSpec {
  service: ServiceName;
  title: string;
  imports: (Type<unknown> | DynamicModule)[];
  /** Whether the service is a GraphQL subgraph (it has resolvers). */
  subgraph: boolean;
  /** The module the subgraph's types are registered in (`registerIn`): its schema holds only those. */
  schemaModule?: Type<unknown>;
  /** Extra set-up of the HTTP server before it listens (a body parser only this service needs). */
  configure?: (app: NestFastifyApplication, config: AppConfig) => Promise<void> | void;
}

/** A domain's service: its module, and its subgraph when it has resolvers, with the module its types are registered in. */
export function domainService(
  service: ServiceName,
  title: string,
  module: Type<unknown>,
  graphql: { resolvers: readonly unknown[]; schemaModule: Type<unknown> },
  configure?: ServiceSpec['configure'],
): ServiceSpec {
  return { service, title, imports: [module], subgraph: graphql.resolvers.length > 0, schemaModule: graphql.schemaModule, ...(configure ? { configure } : {}) };
}

/**
 * The modules a service's subgraph is built from: every module its imports reach (its resolvers sit
 * in any of them) and the one its types are registered in.
 */
function subgraphModules(spec: ServiceSpec): Type<unknown>[] | undefined {
  if (!spec.schemaModule) return undefined;
  const reached = new Set<Type<unknown>>([spec.schemaModule]);
  const visit = (imported: unknown): void => {
    if (!imported || imported instanceof Promise) return;
    if (typeof imported === 'object' && 'forwardRef' in imported) return visit((imported as { forwardRef: () => unknown }).forwardRef());
    const dynamic = typeof imported === 'object' && 'module' in imported ? (imported as DynamicModule) : undefined;
    const type = (dynamic?.module ?? imported) as Type<unknown>;
    if (typeof type !== 'function' || reached.has(type)) return;
    reached.add(type);
    for (const child of [...((Reflect.getMetadata(MODULE_METADATA.IMPORTS, type) as unknown[] | undefined) ?? []), ...(dynamic?.imports ?? [])]) visit(child);
  };
  for (const imported of spec.imports) visit(imported);
  return [...reached];
}

/** The root module of one backend service. */
export function serviceAppModule(spec: ServiceSpec, config = loadConfig(spec.service)): DynamicModule {
  @Module({})
  class ServiceAppModule {}
  return {
    module: ServiceAppModule,
    imports: [
      ServiceCoreModule.forService({ service: spec.service, config, database: {} }),
      ...(spec.subgraph ? [createSubgraphModule({ introspection: true, include: subgraphModules(spec) })] : []),
      ...spec.imports,
    ],
  };
}

/**
 * Builds one backend service from the configuration given and has it listen on its port. Its own
 * process (runService) and the combined process of `npm start` (several services side by side) both
 * boot services through this.
 */
export async function startService(spec: ServiceSpec, config: AppConfig, options: Pick<HttpAppOptions, 'shutdownHooks'> = {}): Promise<NestFastifyApplication> {
  const app = await createHttpApp(serviceAppModule(spec, config), config, {
    ...options,
    configure: async (instance) => {
      await spec.configure?.(instance, config);
      serveOpenApi(instance, spec.title);
    },
  });
  await app.init();
  deferMalformedJson(app);
  await listen(app, config);
  return app;
}

/** Boots one backend service process and exits non-zero with a clear message when it cannot. */
export async function runService(spec: ServiceSpec): Promise<void> {
  try {
    const config = loadConfig(spec.service);
    exitWithParent();
    await startService(spec, config);
  } catch (error) {
    process.stderr.write(`assay-${spec.service} failed to start: ${error instanceof ConfigError ? error.message : ((error as Error).stack ?? error)}\n`);
    process.exit(1);
  }
}
