import { SERVICE_NAME } from '@assay/shared/auth';
import { AppConfig, ConfigModule } from '@assay/shared/config';
import type { ServiceName } from '@assay/shared/contracts';
import { DATA_SOURCE, DatabaseModule, DatabaseModuleOptions } from '@assay/shared/database';
import { OutboxRelayModule, QueueModule, QueueRegistry } from '@assay/shared/queue';
import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import type { DataSource } from 'typeorm';
import { ServiceAccessGuard } from './deferred-json';
import { processClockModule } from './clock-follower.module';
import { createLoggingModule } from './logging.module';
import { OperationsModule, READINESS_CHECKS, ReadinessCheck, createMetricsRegistry } from './operations.module';
import { ProblemDetailsFilter } from './problem-details.filter';
import { RequestContextModule } from './request-context.module';

export interface ServiceCoreOptions {
  service: ServiceName;
  config: AppConfig;
  database: DatabaseModuleOptions;
}

/**
 * Everything a backend service shares: validated config, request context, JSON logs, its schema's
 * database connection, queues and outbox relay, health and metrics, problem+json errors and the
 * internal identity check on every route (before any body is read), with no interceptor.
 */
@Module({})
export class ServiceCoreModule {
  static forService(options: ServiceCoreOptions): DynamicModule {
    return {
      module: ServiceCoreModule,
      imports: [
        ConfigModule.forProcess(options.service, options.config),
        RequestContextModule,
        createLoggingModule(options.config),
        processClockModule(options.config),
        DatabaseModule.forRoot(options.database),
        QueueModule,
        OutboxRelayModule.forSchema(options.service),
        OperationsModule.register({
          registry: createMetricsRegistry(options.service),
          checks: {
            provide: READINESS_CHECKS,
            inject: [DATA_SOURCE, QueueRegistry],
            useFactory: (dataSource: DataSource, queues: QueueRegistry): ReadinessCheck[] => [
              { name: 'database', check: async () => void (await dataSource.query('select 1')) },
              { name: 'redis', check: async () => void (await queues.redis.ping()) },
            ],
          },
        }),
      ],
      providers: [
        { provide: SERVICE_NAME, useValue: options.service },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        { provide: APP_GUARD, useClass: ServiceAccessGuard },
      ],
      exports: [SERVICE_NAME, ConfigModule],
    };
  }
}
