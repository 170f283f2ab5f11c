import { Clock, ClockModule } from '@assay/shared/clock';
import { APP_CONFIG, AppConfig } from '@assay/shared/config';
import { DynamicModule, Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource, EntitySchema, MixedList } from 'typeorm';
import { createRuntimeDataSource } from './data-source.factory';
import { assertRuntimeRoleIsConfined } from './runtime-role.check';
import { TenantDatabase } from './tenant-database';

export const DATA_SOURCE = Symbol('DATA_SOURCE');

export interface DatabaseModuleOptions {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities?: MixedList<Function | string | EntitySchema>;
}

@Injectable()
class DataSourceCloser implements OnApplicationShutdown {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}
  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

@Global()
@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseModuleOptions = {}): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [ClockModule],
      providers: [
        {
          provide: DATA_SOURCE,
          inject: [APP_CONFIG],
          useFactory: async (config: AppConfig) => {
            const dataSource = createRuntimeDataSource(config.database, { name: config.processName, entities: options.entities });
            await dataSource.initialize();
            await assertRuntimeRoleIsConfined(dataSource);
            return dataSource;
          },
        },
        {
          provide: TenantDatabase,
          inject: [DATA_SOURCE, APP_CONFIG, Clock],
          useFactory: (dataSource: DataSource, config: AppConfig, clock: Clock) => new TenantDatabase(dataSource, config.database.systemRole, clock),
        },
        DataSourceCloser,
      ],
      exports: [DATA_SOURCE, TenantDatabase],
    };
  }
}
