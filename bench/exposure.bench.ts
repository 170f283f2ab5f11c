/**
 * Component exposure search at scale: "which suppliers ship this component?" answered the way the
 * evidence service answers it (ComponentsRepository.exposure, app role, RLS, in a tenant
 * transaction), by exact purl, by purl without version and by name and version. The baseline is the
 * same searches, with the same matches, while the table holds BENCH_EXPOSURE_SMALL rows (20,000);
 * the subject is after it has grown to BENCH_EXPOSURE_ROWS (2,000,000) over 4 tenants. A ratio near
 * 1 says the answer comes from the indexes, not from reading the table. Embedded Postgres (or
 * DATABASE_URL); pool and concurrency as the services run (DATABASE_POOL_SIZE, BENCH_CONNECTIONS).
 *
 *   npm run bench:exposure           # BENCH_SECONDS, BENCH_EXPOSURE_ROWS, BENCH_EXPOSURE_SMALL to change
 */
import 'reflect-metadata';
import { ComponentsRepository } from '@assay/evidence';
import { loadConfig } from '@assay/shared/config';
import { TenantDatabase, createRuntimeDataSource } from '@assay/shared/database';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { log, runBenchmark } from './bench-runner';
import { migratedInfrastructure, seedSuppliersAndSboms } from './bench-database';
import { loadOperation, report } from './load';

const ROWS = Number(process.env['BENCH_EXPOSURE_ROWS'] ?? 2_000_000);
const SMALL = Number(process.env['BENCH_EXPOSURE_SMALL'] ?? 20_000);
const TENANTS = 4;
/** Evidence (SBOMs) per tenant: every probed component is in PROBE_HITS of them. */
const SBOMS = 200;
const PROBES = 500;
const PROBE_HITS = 5;

/** Adds `count` filler components to each tenant: packages no probe names, spread over its SBOMs. */
async function fill(owner: Client, tenants: string[], count: number, from: number): Promise<void> {
  for (const tenant of tenants) {
    await owner.query(
      `with e as (select array_agg(id order by id) as ids, array_agg(supplier_id order by id) as suppliers from evidence.evidence where tenant_id = $1)
       insert into evidence.components (tenant_id, id, evidence_id, supplier_id, purl, purl_base, name, version, type, licences)
       select $1, gen_random_uuid(), e.ids[1 + n % ${SBOMS}], e.suppliers[1 + n % ${SBOMS}], 'pkg:npm/filler-' || (n % 50000) || '@1.' || (n % 40) || '.0',
              'pkg:npm/filler-' || (n % 50000), 'filler-' || (n % 50000), '1.' || (n % 40) || '.0', 'library', '{MIT}'
       from e, generate_series($2::bigint, $3::bigint) as n`,
      [tenant, from, from + count - 1],
    );
  }
  await owner.query('analyze evidence.suppliers, evidence.evidence, evidence.components');
}

async function main(): Promise<void> {
  const infrastructure = await migratedInfrastructure();
  const owner = new Client({ connectionString: infrastructure.env['DATABASE_MIGRATION_URL'] });
  let dataSource: DataSource | undefined;
  try {
    const env = infrastructure.env;
    await owner.connect();
    const config = loadConfig('evidence', env).database;
    dataSource = await createRuntimeDataSource(config, { name: 'bench' }).initialize();
    const database = new TenantDatabase(dataSource, config.systemRole);
    const components = new ComponentsRepository();

    // Each tenant: 20 suppliers, SBOMS processed SBOMs, and PROBES components each shipped in PROBE_HITS SBOMs.
    const tenants = Array.from({ length: TENANTS }, () => randomUUID());
    for (const tenant of tenants) {
      await seedSuppliersAndSboms(owner, tenant, SBOMS);
      await owner.query(
        `insert into evidence.components (tenant_id, id, evidence_id, supplier_id, purl, purl_base, name, version, type, licences)
         select $1, gen_random_uuid(), e.id, e.supplier_id, 'pkg:npm/probe-' || p || '@2.' || (p % 9) || '.1', 'pkg:npm/probe-' || p, 'probe-' || p, '2.' || (p % 9) || '.1', 'library', '{Apache-2.0}'
         from generate_series(0, ${PROBES - 1}) as p cross join generate_series(1, ${PROBE_HITS}) as h
         join lateral (select id, supplier_id from evidence.evidence where tenant_id = $1 order by id offset ((p * 7 + h * 31) % ${SBOMS}) limit 1) e on true`,
        [tenant],
      );
    }
    const probeRows = TENANTS * PROBES * PROBE_HITS;

    const pick = () => {
      const probe = Math.floor(Math.random() * PROBES);
      return { tenant: tenants[Math.floor(Math.random() * TENANTS)] as string, probe, version: `2.${probe % 9}.1` };
    };
    const expectHits = (found: unknown[]) => {
      if (found.length !== PROBE_HITS) throw new Error(`expected ${PROBE_HITS} matches, got ${found.length}`);
    };
    /** The three searches, one after the other, each under load. */
    const searches = async (rows: number) => {
      const at = `${rows.toLocaleString('en-GB')} rows`;
      const purl = await loadOperation(`exact purl, ${at}`, async () => {
        const { tenant, probe, version } = pick();
        expectHits(await database.run((m) => components.exposure(m, tenant, { purl: `pkg:npm/probe-${probe}@${version}` }, 100), tenant));
      });
      const base = await loadOperation(`purl without version, ${at}`, async () => {
        const { tenant, probe } = pick();
        expectHits(await database.run((m) => components.exposure(m, tenant, { purlBase: `pkg:npm/probe-${probe}` }, 100), tenant));
      });
      const name = await loadOperation(`name and version, ${at}`, async () => {
        const { tenant, probe, version } = pick();
        expectHits(await database.run((m) => components.exposure(m, tenant, { name: `Probe-${probe}`, version }, 100), tenant));
      });
      return { purl, base, name };
    };

    log(`seeding ${SMALL.toLocaleString('en-GB')} components…`);
    await fill(owner, tenants, Math.max(0, Math.floor((SMALL - probeRows) / TENANTS)), 0);
    const smallResults = await searches(SMALL);

    log(`growing the table to ${ROWS.toLocaleString('en-GB')} components…`);
    const perTenantSmall = Math.max(0, Math.floor((SMALL - probeRows) / TENANTS));
    await fill(owner, tenants, Math.max(0, Math.floor((ROWS - probeRows) / TENANTS) - perTenantSmall), perTenantSmall);
    const total = Number((await owner.query('select count(*) from evidence.components')).rows[0].count);
    const largeResults = await searches(total);

    for (const key of ['purl', 'base', 'name'] as const) {
      report(
        `Component exposure, ${PROBE_HITS} matches in ${TENANTS} tenants' SBOMs: ${total.toLocaleString('en-GB')} rows against ${SMALL.toLocaleString('en-GB')}`,
        smallResults[key],
        largeResults[key],
      );
    }
  } finally {
    await dataSource?.destroy();
    await owner.end().catch(() => undefined);
    await infrastructure.stop();
  }
}

runBenchmark(main);
