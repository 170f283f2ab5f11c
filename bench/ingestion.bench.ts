/**
 * SBOM ingestion throughput: CycloneDX SBOMs of 5,000 and 50,000 components (BENCH_COMPONENTS to
 * change, comma-separated) go through what the worker does with an accepted upload — detection,
 * parsing with every guard, purl and licence normalisation, and the bulk write of the components in
 * a tenant transaction — and the same bytes through `JSON.parse` alone, in the same run. Prints
 * components per second for both and the ratio ingestion time / JSON.parse time, and peak RSS.
 *
 *   npm run bench:ingestion            # embedded Postgres, like npm test
 *   BENCH_COMPONENTS=20000 npm run bench:ingestion
 */
import 'reflect-metadata';
import { ComponentsRepository, fileTypeDetector, parseEvidence } from '@assay/evidence';
import { MIGRATIONS } from '@assay/migrations';
import { TenantDatabase, migrationRoles, runMigrations } from '@assay/shared/database';
import { provisionInfrastructure } from '@assay/shared/local-infra';
import { cycloneDxSbom } from '@assay/shared/testing';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { log, runBenchmark } from './bench-runner';

const SIZES = (process.env['BENCH_COMPONENTS'] ?? '5000,50000').split(',').map((size) => Number(size.trim()));
const ROUNDS = 3;

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'assay-bench-'));
  const infrastructure = await provisionInfrastructure({ dataDir, persistent: false, env: process.env, ports: 'free', log: () => undefined });
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
  try {
    const env: Record<string, string> = { ...infrastructure.env };
    for (const name of ['DATABASE_APP_ROLE', 'DATABASE_SYSTEM_ROLE']) if (env[name]) process.env[name] = env[name];
    const roles = migrationRoles();
    await runMigrations({ ownerUrl: env['DATABASE_MIGRATION_URL'] as string, roles, appPassword: env['DATABASE_APP_PASSWORD'], migrations: MIGRATIONS });
    const owner = await new DataSource({ type: 'postgres', url: env['DATABASE_MIGRATION_URL'] }).initialize();
    const app = await new DataSource({ type: 'postgres', url: env['DATABASE_URL'] }).initialize();
    const database = new TenantDatabase(app, roles.systemRole);
    const components = new ComponentsRepository();
    const detectBinary = fileTypeDetector();
    const tenantId = randomUUID();
    const supplierId = randomUUID();
    await owner.query(`insert into evidence.suppliers (tenant_id, id, name, status, event_at) values ($1, $2, 'Bench Supplier', 'active', now())`, [tenantId, supplierId]);

    for (const size of SIZES) {
      const content = cycloneDxSbom(size);
      let ingestion = Infinity;
      let baseline = Infinity;
      for (let round = 0; round < ROUNDS; round++) {
        const evidenceId = randomUUID();
        await owner.query(`insert into evidence.evidence (tenant_id, id, supplier_id, status, source) values ($1, $2, $3, 'processing', 'upload')`, [tenantId, evidenceId, supplierId]);
        baseline = Math.min(baseline, await timed(async () => JSON.parse(content.toString('utf8'))));
        ingestion = Math.min(
          ingestion,
          await timed(async () => {
            const parsed = await parseEvidence(content, { kindHint: null, sbomMaxAgeDays: 180, detectBinary });
            if (parsed.components?.length !== size) throw new Error(`expected ${size} components, parsed ${parsed.components?.length ?? 0}`);
            await database.run((manager) => components.replaceForEvidence(manager, tenantId, { id: evidenceId, supplierId, productId: null }, parsed.components ?? []), tenantId);
          }),
        );
      }
      const rate = (ms: number) => Math.round((size / ms) * 1000).toLocaleString('en-GB');
      log(`${size.toLocaleString('en-GB')} components (${(content.length / 1024 / 1024).toFixed(1)} MB), best of ${ROUNDS}:`);
      log(`  ingestion (detect, parse, normalise, write): ${ingestion.toFixed(0)} ms, ${rate(ingestion)} components/s`);
      log(`  JSON.parse alone:                           ${baseline.toFixed(0)} ms, ${rate(baseline)} components/s`);
      log(`  ratio ingestion / JSON.parse: ${(ingestion / baseline).toFixed(1)}`);
    }
    log(`peak RSS: ${Math.round(peakRss / 1024 / 1024)} MB`);
    await app.destroy();
    await owner.destroy();
  } finally {
    clearInterval(sampler);
    await infrastructure.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

runBenchmark(main);
