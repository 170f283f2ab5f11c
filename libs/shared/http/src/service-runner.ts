import { AppConfig, loadConfig, ConfigError } from '@assay/shared/config';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { ServiceName } from '@assay/shared/contracts';
import { createSubgraphModule } from '@assay/shared/graphql';
import { DynamicModule, Module, Type } from '@nestjs/common';
import { deferMalformedJson } from './deferred-json';
import { createHttpApp, listen, serveOpenApi } from './http-app.bootstrap';
import { exitWithParent } from './process-lifetime';
import { ServiceCoreModule } from './service-core.module';

export interface ServiceSpec {
  service: ServiceName;
  title: string;
  imports: (Type<unknown> | DynamicModule)[];
  /** Whether the service is a GraphQL subgraph (it has resolvers). */
  subgraph: boolean;
  /** Extra set-up of the HTTP server before it listens (a body parser only this service needs). */
  configure?: (app: NestFastifyApplication, config: AppConfig) => Promise<void> | void;
}

/** The root module of one backend service. */
export function serviceAppModule(spec: ServiceSpec, config = loadConfig(spec.service)): DynamicModule {
  @Module({})
  class ServiceAppModule {}
  return {
    module: ServiceAppModule,
    imports: [
      ServiceCoreModule.forService({ service: spec.service, config, database: {} }),
      ...(spec.subgraph ? [createSubgraphModule({ introspection: true })] : []),
      ...spec.imports,
    ],
  };
}

/** Boots one backend service process and exits non-zero with a clear message when it cannot. */
export async function runService(spec: ServiceSpec): Promise<void> {
  try {
    const config = loadConfig(spec.service);
    const app = await createHttpApp(serviceAppModule(spec, config), config, {
      configure: async (instance) => {
        await spec.configure?.(instance, config);
        serveOpenApi(instance, spec.title);
      },
    });
    await app.init();
    deferMalformedJson(app);
    exitWithParent();
    await listen(app, config);
  } catch (error) {
    process.stderr.write(`assay-${spec.service} failed to start: ${error instanceof ConfigError ? error.message : ((error as Error).stack ?? error)}\n`);
    process.exit(1);
  }
}
