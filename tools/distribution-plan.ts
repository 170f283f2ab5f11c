/**
 * `npm run db:distribution-plan`: prints the Citus statements that distribute Assay's schema by
 * tenant_id (reference tables first, then every tenant table colocated), generated from the catalog
 * of a migrated database. With DATABASE_URL (or DATABASE_MIGRATION_URL) it reads that database as it
 * is; without, it starts a throwaway embedded Postgres, migrates it and reads that. Exits non-zero,
 * naming each table, when the schema cannot be distributed.
 */
import 'reflect-metadata';
import { COLOCATION_ANCHOR, REFERENCE_TABLES } from '@assay/migrations';
import { DistributionPlanError, distributionPlan, readDistributionCatalog } from '@assay/shared/database';
import { ensureDatabase, startEmbeddedPostgres } from '@assay/shared/local-infra';
import { join } from 'node:path';
import { Client } from 'pg';
import { migrateAndSeed } from './migrate';

/** The plan for the database at `url`, every user schema read. */
export async function distributionPlanOf(url: string): Promise<string[]> {
  const client = new Client({ connectionString: url, application_name: 'assay-distribution-plan' });
  await client.connect();
  try {
    const catalog = await readDistributionCatalog({ query: async (sql, params) => (await client.query(sql, params as unknown[])).rows });
    return distributionPlan(catalog, { referenceTables: REFERENCE_TABLES, colocationAnchor: COLOCATION_ANCHOR });
  } finally {
    await client.end();
  }
}

/** The plan of the database the environment names, or of a freshly migrated embedded one. */
export async function distributionPlanFromEnvironment(env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<string[]> {
  const given = env['DATABASE_MIGRATION_URL']?.trim() || env['DATABASE_URL']?.trim();
  if (given) return distributionPlanOf(given);
  const postgres = await startEmbeddedPostgres(join(env['ASSAY_DATA_DIR']?.trim() || '.assay', 'distribution-plan'), false);
  try {
    const ownerUrl = await ensureDatabase(postgres.adminUrl, 'assay');
    await migrateAndSeed({ DATABASE_MIGRATION_URL: ownerUrl }, log);
    return await distributionPlanOf(ownerUrl);
  } finally {
    await postgres.stop();
  }
}

if (require.main === module) {
  const log = (line: string) => process.stderr.write(`${line}\n`);
  distributionPlanFromEnvironment(process.env, log)
    .then((statements) => {
      const distributed = statements.filter((statement) => statement.includes('create_distributed_table')).length;
      process.stdout.write(
        [
          `-- Assay on Citus: ${statements.length - distributed} reference tables, ${distributed} tables distributed by tenant_id in one colocation group.`,
          '-- Run on the coordinator, in this order, after the migrations (see docs/scale-out.md).',
          ...statements,
          '',
        ].join('\n'),
      );
    })
    .catch((error: unknown) => {
      process.stderr.write(`${error instanceof DistributionPlanError ? error.message : ((error as Error).stack ?? String(error))}\n`);
      process.exit(1);
    });
}
