import { MIGRATIONS } from '@assay/migrations';
import { migrationRoles, runMigrations } from '@assay/shared/database';
import { provisionInfrastructure } from '@assay/shared/local-infra';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface BenchInfrastructure {
  /** The environment of the processes: connection strings and roles, with `extraEnv` on top. */
  env: Record<string, string>;
  /** Stops what was started and removes its data. */
  stop(): Promise<void>;
}

/**
 * Postgres and Redis for a benchmark that needs no running services: embedded Postgres and
 * redis-server on free ports (or the servers DATABASE_URL / REDIS_URL name, with a fresh database),
 * migrated as `npm start` migrates them, the runtime roles exported for the code under measure.
 */
export async function migratedInfrastructure(extraEnv: Record<string, string> = {}): Promise<BenchInfrastructure> {
  const dataDir = mkdtempSync(join(tmpdir(), 'assay-bench-'));
  const infrastructure = await provisionInfrastructure({ dataDir, persistent: false, env: process.env, ports: 'free', log: () => undefined });
  const stop = async () => {
    await infrastructure.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  const env: Record<string, string> = { ...infrastructure.env, ...extraEnv };
  try {
    for (const name of ['DATABASE_APP_ROLE', 'DATABASE_SYSTEM_ROLE']) if (env[name]) process.env[name] = env[name];
    await runMigrations({
      ownerUrl: env['DATABASE_MIGRATION_URL'] as string,
      roles: migrationRoles(),
      appPassword: env['DATABASE_APP_PASSWORD'],
      migrations: MIGRATIONS,
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { env, stop };
}

/** 20 suppliers of a tenant and `sboms` processed SBOM evidence spread over them (the owner connection, past RLS). */
export async function seedSuppliersAndSboms(owner: { query(sql: string, params: unknown[]): Promise<unknown> }, tenant: string, sboms: number): Promise<void> {
  await owner.query(
    `insert into evidence.suppliers (tenant_id, id, name, status, event_at) select $1, gen_random_uuid(), 'Supplier ' || n, 'active', now() from generate_series(1, 20) as n`,
    [tenant],
  );
  await owner.query(
    `insert into evidence.evidence (tenant_id, id, supplier_id, kind, status, source, processed_at)
     select $1, gen_random_uuid(), s.id, 'sbom', 'processed', 'upload', now()
     from generate_series(1, $2::int) as n join lateral (select id from evidence.suppliers where tenant_id = $1 order by id offset (n % 20) limit 1) s on true`,
    [tenant, sboms],
  );
}
