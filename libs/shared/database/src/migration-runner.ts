import { DataSource, MigrationInterface } from 'typeorm';
import { quoteIdent } from './identifiers';
import type { RoleNames } from './migration-sql';
import { ReferenceDataSet, loadReferenceData } from './reference-data';

export interface MigrationRunOptions {
  ownerUrl: string;
  roles: RoleNames;
  /** When set, the app role may log in with this password (production: DATABASE_URL uses it). */
  appPassword?: string;
  migrations: (new () => MigrationInterface)[];
  /** Global reference data loaded after the migrations, every run (each set is idempotent). */
  referenceData?: readonly ReferenceDataSet[];
  log?: (line: string) => void;
}

/**
 * Creates or corrects the runtime roles (cluster-wide, so not a migration): the app role owns
 * nothing and can neither bypass RLS nor act as superuser; the system role sees only the rows its
 * own policies expose. Then runs pending migrations as the owner, each in its own transaction, and
 * loads the reference data.
 */
export async function runMigrations(options: MigrationRunOptions): Promise<string[]> {
  const log = options.log ?? (() => undefined);
  const dataSource = new DataSource({
    type: 'postgres',
    url: options.ownerUrl,
    migrations: options.migrations,
    migrationsTableName: 'assay_migrations',
    migrationsTransactionMode: 'each',
    logging: false,
    applicationName: 'assay-migrate',
  });
  await dataSource.initialize();
  try {
    await ensureRoles(dataSource, options.roles, options.appPassword);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    for (const migration of applied) log(`migrated ${migration.name}`);
    await loadReferenceData(dataSource, options.referenceData ?? [], log);
    return applied.map((migration) => migration.name);
  } finally {
    await dataSource.destroy();
  }
}

async function ensureRoles(dataSource: DataSource, roles: RoleNames, appPassword?: string): Promise<void> {
  const attributes = 'nosuperuser nobypassrls nocreatedb nocreaterole noreplication';
  for (const [role, login] of [
    [roles.appRole, true],
    [roles.systemRole, false],
  ] as const) {
    const exists = await dataSource.query(`select 1 from pg_roles where rolname = $1`, [role]);
    const verb = exists.length > 0 ? 'alter' : 'create';
    // NOINHERIT: membership in the system role must not lend its policies or grants to the app
    // role; only an explicit SET LOCAL ROLE inside a system unit of work does.
    await dataSource.query(`${verb} role ${quoteIdent(role)} ${login ? 'login noinherit' : 'nologin'} ${attributes}`).catch((error: unknown) => {
      // Two migrators racing on a fresh cluster: the loser's CREATE fails; the role exists either way.
      if (verb === 'create' && String(error).includes('already exists')) return;
      throw error;
    });
  }
  if (appPassword) {
    // Parameters are not allowed in utility statements; quote the literal by doubling quotes.
    await dataSource.query(`alter role ${quoteIdent(roles.appRole)} password '${appPassword.replace(/'/g, "''")}'`);
  }
  // The app role may assume the system role inside a transaction (SET LOCAL ROLE) for cross-tenant
  // system work; that role's reach is limited to the policies written for it.
  await dataSource.query(`grant ${quoteIdent(roles.systemRole)} to ${quoteIdent(roles.appRole)}`);
  const database = await dataSource.query(`select current_database() as name`);
  await dataSource.query(`grant connect on database ${quoteIdent(database[0].name)} to ${quoteIdent(roles.appRole)}`).catch(() => undefined);
}
