import type { DatabaseConfig } from '@assay/shared/config';
import { RequestContext } from '@assay/shared/tenancy-context';
import { DataSource, DataSourceOptions, EntitySchema, Logger, MixedList } from 'typeorm';

/** The role the runtime pool must act as: connect as it directly, or assume it at session start. */
export function runtimeConnectionOptions(database: DatabaseConfig): { options?: string } {
  const user = decodeURIComponent(new URL(database.url).username || '');
  // A login that is not the app role (a local superuser, say) assumes the app role for the whole
  // session, so RLS applies exactly as in production.
  return user === database.appRole ? {} : { options: `-c role=${database.appRole}` };
}

export interface DataSourceParams {
  name: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities?: MixedList<Function | string | EntitySchema>;
  poolSize?: number;
}

/** Counts every statement against the request or job it runs for; logs nothing itself. */
const queryCounter: Logger = {
  logQuery: () => RequestContext.countQuery(),
  logQueryError: () => undefined,
  logQuerySlow: () => undefined,
  logSchemaBuild: () => undefined,
  logMigration: () => undefined,
  log: () => undefined,
};

export function createRuntimeDataSource(database: DatabaseConfig, params: DataSourceParams): DataSource {
  const options: DataSourceOptions = {
    type: 'postgres',
    url: database.url,
    entities: params.entities ?? [],
    synchronize: false,
    migrationsRun: false,
    logging: false,
    logger: queryCounter,
    applicationName: `assay-${params.name}`,
    extra: {
      max: params.poolSize ?? database.poolSize,
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
      // Never let one statement hold a connection for ever.
      statement_timeout: 30_000,
      ...runtimeConnectionOptions(database),
    },
  };
  return new DataSource(options);
}
