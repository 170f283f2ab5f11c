/**
 * Runs every pending migration as the owner role (DATABASE_MIGRATION_URL, else DATABASE_URL),
 * creates/corrects the runtime roles, and loads the bundled Code catalogue.
 */
import 'reflect-metadata';
import { loadBundledCatalogues, seedCatalogue } from '@assay/assessments';
import { MIGRATIONS } from '@assay/migrations';
import { migrationRoles, runMigrations } from '@assay/shared/database';
import { DataSource } from 'typeorm';

export async function migrateAndSeed(env: NodeJS.ProcessEnv = process.env, log: (line: string) => void = console.log): Promise<void> {
  const ownerUrl = env['DATABASE_MIGRATION_URL']?.trim() || env['DATABASE_URL']?.trim();
  if (!ownerUrl) throw new Error('DATABASE_MIGRATION_URL or DATABASE_URL is required to migrate');
  // Migrations read the role names from the process environment; honour the stack's.
  for (const name of ['DATABASE_APP_ROLE', 'DATABASE_SYSTEM_ROLE']) {
    const value = env[name]?.trim();
    if (value) process.env[name] = value;
  }
  const roles = migrationRoles();
  await runMigrations({ ownerUrl, roles, appPassword: env['DATABASE_APP_PASSWORD']?.trim() || undefined, migrations: MIGRATIONS, log });
  const dataSource = new DataSource({ type: 'postgres', url: ownerUrl, applicationName: 'assay-seed' });
  await dataSource.initialize();
  try {
    for (const catalogue of loadBundledCatalogues()) {
      await dataSource.transaction((manager) => seedCatalogue(manager, catalogue));
      log(`catalogue ${catalogue.key} ${catalogue.version} loaded`);
    }
  } finally {
    await dataSource.destroy();
  }
}

if (require.main === module) {
  migrateAndSeed().catch((error: unknown) => {
    console.error(`migration failed: ${(error as Error).message}`);
    process.exit(1);
  });
}
