/**
 * Runs every pending migration as the owner role (DATABASE_MIGRATION_URL, else DATABASE_URL),
 * creates/corrects the runtime roles, and loads the reference data (the bundled Code catalogue).
 */
import 'reflect-metadata';
import { CATALOGUE_REFERENCE_DATA } from '@assay/assessments';
import { MIGRATIONS } from '@assay/migrations';
import { ReferenceDataSet, migrationRoles, runMigrations } from '@assay/shared/database';

/** Every set of global reference data, loaded after the migrations on every run. */
export const REFERENCE_DATA: readonly ReferenceDataSet[] = [CATALOGUE_REFERENCE_DATA];

export async function migrateAndSeed(env: NodeJS.ProcessEnv = process.env, log: (line: string) => void = console.log): Promise<void> {
  const ownerUrl = env['DATABASE_MIGRATION_URL']?.trim() || env['DATABASE_URL']?.trim();
  if (!ownerUrl) throw new Error('DATABASE_MIGRATION_URL or DATABASE_URL is required to migrate');
  // Migrations read the role names from the process environment; honour the stack's.
  for (const name of ['DATABASE_APP_ROLE', 'DATABASE_SYSTEM_ROLE']) {
    const value = env[name]?.trim();
    if (value) process.env[name] = value;
  }
  const roles = migrationRoles();
  await runMigrations({
    ownerUrl,
    roles,
    appPassword: env['DATABASE_APP_PASSWORD']?.trim() || undefined,
    migrations: MIGRATIONS,
    referenceData: REFERENCE_DATA,
    log,
  });
}

if (require.main === module) {
  migrateAndSeed().catch((error: unknown) => {
    console.error(`migration failed: ${(error as Error).message}`);
    process.exit(1);
  });
}
