/**
 * Row-level security overhead on a list query: a page of 50 suppliers, newest first, read the way
 * the services read (app role, one transaction started in the same message as
 * `set_config('app.tenant_id', …, true)`, the policy doing the filtering) against the same query as
 * the owner role (no RLS) with an explicit `tenant_id = $1` filter and no transaction; then, to tell
 * the policy's cost from the transaction's round trips, against the owner running the same
 * transaction shape with the explicit filter. 200,000 suppliers over 8 tenants; a pool of
 * DATABASE_POOL_SIZE (10) connections per side with as many queries in flight, each for a random
 * tenant. pg directly, embedded Postgres (or DATABASE_URL).
 *
 *   npm run bench:rls                # BENCH_SECONDS, BENCH_CONNECTIONS, BENCH_RLS_ROWS to change
 */
import 'reflect-metadata';
import { loadConfig } from '@assay/shared/config';
import { runtimeConnectionOptions } from '@assay/shared/database';
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { log, runBenchmark } from './bench-runner';
import { migratedInfrastructure } from './bench-database';
import { loadOperation, report } from './load';

const ROWS = Number(process.env['BENCH_RLS_ROWS'] ?? 200_000);
const TENANTS = 8;
const PAGE = 50;
const COLUMNS = 'id, name, tier, role, status, tags, next_assessment_due_at, created_at';

async function main(): Promise<void> {
  const infrastructure = await migratedInfrastructure();
  const pools: Pool[] = [];
  try {
    const env = infrastructure.env;
    const database = loadConfig('assessments', env).database;
    const owner = new Pool({ connectionString: env['DATABASE_MIGRATION_URL'], max: database.poolSize });
    const app = new Pool({ connectionString: database.url, max: database.poolSize, ...runtimeConnectionOptions(database) });
    pools.push(owner, app);
    // pool.end() resolves once every client has been told to end, not once its socket has closed;
    // Postgres stopping right after may still terminate those connections: that is expected, not a crash.
    for (const pool of pools) pool.on('error', (error) => log(`connection closed: ${error.message}`));

    log(`seeding ${ROWS} suppliers over ${TENANTS} tenants…`);
    const tenants = Array.from({ length: TENANTS }, () => randomUUID());
    for (const tenant of tenants) {
      await owner.query(
        `insert into assessments.suppliers (tenant_id, id, name, tier, role, tags, created_at)
         select $1, gen_random_uuid(), 'Supplier ' || n, (array['critical','high','medium','low'])[1 + n % 4], 'developer_distributor',
                array['tag' || (n % 7)], now() - make_interval(secs => n)
         from generate_series(1, $2) as n`,
        [tenant, Math.floor(ROWS / TENANTS)],
      );
    }
    await owner.query('analyze assessments.suppliers');
    const tenant = () => tenants[Math.floor(Math.random() * TENANTS)] as string;
    const expectPage = (rows: unknown[]) => {
      if (rows.length !== PAGE) throw new Error(`expected a page of ${PAGE}, got ${rows.length}`);
    };

    const explicit = await loadOperation(`owner role, where tenant_id = $1`, async () => {
      const result = await owner.query(`select ${COLUMNS} from assessments.suppliers where tenant_id = $1 order by id desc limit ${PAGE}`, [tenant()]);
      expectPage(result.rows);
    });
    // As TenantDatabase.run does: the start and the binding in one message (ids here are UUIDs).
    const beginFor = (id: string) => `start transaction; select set_config('app.tenant_id', '${id}', true)`;
    const scoped = await loadOperation(`app role, set_config + RLS (transaction)`, async () => {
      const client = await app.connect();
      try {
        await client.query(beginFor(tenant()));
        const result = await client.query(`select ${COLUMNS} from assessments.suppliers order by id desc limit ${PAGE}`);
        await client.query('commit');
        expectPage(result.rows);
      } finally {
        client.release();
      }
    });
    // Control: the app's transaction shape (begin with set_config, query, commit) as the owner with the
    // explicit filter, so the difference to the RLS side is the policy alone.
    const sameShape = await loadOperation(`owner role, same transaction, where tenant_id = $1`, async () => {
      const client = await owner.connect();
      try {
        const id = tenant();
        await client.query(beginFor(id));
        const result = await client.query(`select ${COLUMNS} from assessments.suppliers where tenant_id = $1 order by id desc limit ${PAGE}`, [id]);
        await client.query('commit');
        expectPage(result.rows);
      } finally {
        client.release();
      }
    });
    const title = `Supplier page of ${PAGE} out of ${ROWS} rows, ${TENANTS} tenants, pool ${database.poolSize}`;
    report(title, explicit, scoped);
    report(`${title}: the policy alone (same transaction shape on both sides)`, sameShape, scoped);
  } finally {
    await Promise.all(pools.map((pool) => pool.end()));
    await infrastructure.stop();
  }
}

runBenchmark(main);
