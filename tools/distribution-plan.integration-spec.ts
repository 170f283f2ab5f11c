import { COLOCATION_ANCHOR, REFERENCE_TABLES } from '@assay/migrations';
import { MIGRATIONS_TABLE, auditDistribution, readDistributionCatalog } from '@assay/shared/database';
import { dropDatabase, ensureDatabase } from '@assay/shared/local-infra';
import { testStack } from '@assay/shared/testing';
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { distributionPlanFromEnvironment, distributionPlanOf } from './distribution-plan';
import { migrateAndSeed } from './migrate';

const RULES = { referenceTables: REFERENCE_TABLES, colocationAnchor: COLOCATION_ANCHOR };

/** `'"schema"."table"'` in a statement → `schema.table` */
const tableOf = (statement: string) => (/\('"([a-z_0-9]+)"\."([a-z_0-9]+)"'/.exec(statement) ?? []).slice(1, 3).join('.');

/** Every `*.repository.ts` under the domain and shared libs. */
function repositoryFiles(dir = join(__dirname, '..', 'libs')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? repositoryFiles(join(dir, entry.name)) : entry.name.endsWith('.repository.ts') ? [join(dir, entry.name)] : [],
  );
}

interface ConflictTarget {
  file: string;
  table: string;
  columns: string[];
  partial: boolean;
}

/** The ON CONFLICT targets the repositories write (insert … on conflict, and projection keys), with the table each belongs to. */
function conflictTargets(): ConflictTarget[] {
  const targets: ConflictTarget[] = [];
  const unquote = (name: string) => name.replace(/"/g, '').trim();
  for (const file of repositoryFiles()) {
    const text = readFileSync(file, 'utf8');
    for (const insert of text.split(/insert into /i).slice(1)) {
      const table = /^("?[a-z_]+"?)\.("?[a-z_]+"?)/.exec(insert);
      const conflict = /on conflict \(([^)]*)\)(\s+where\s)?/i.exec(insert);
      if (table && conflict) {
        targets.push({
          file,
          table: `${unquote(table[1] as string)}.${unquote(table[2] as string)}`,
          columns: (conflict[1] as string).split(',').map(unquote),
          partial: !!conflict[2],
        });
      }
    }
    for (const projection of text.matchAll(/table: \['([a-z_]+)', '([a-z_]+)'\],\s+key: \[([^\]]*)\]/g)) {
      targets.push({
        file,
        table: `${projection[1]}.${projection[2]}`,
        columns: (projection[3] as string).split(',').map((c) => c.trim().replace(/'/g, '')),
        partial: false,
      });
    }
  }
  return targets;
}

/**
 * A database of its own on the test stack's server, migrated from nothing by the same migrations as
 * every deployment, so the audit reads exactly what the migrations make (and nothing other tests add).
 */
describe('distribution by tenant_id of a migrated database', () => {
  const adminUrl = testStack().env['DATABASE_MIGRATION_URL'] as string;
  const name = `assay_distribution_${randomBytes(4).toString('hex')}`;
  let url: string;
  let owner: Client;
  const catalog = () => readDistributionCatalog({ query: async (sql, params) => (await owner.query(sql, params as unknown[])).rows });

  beforeAll(async () => {
    url = await ensureDatabase(adminUrl, name);
    await migrateAndSeed({ ...testStack().env, DATABASE_MIGRATION_URL: url }, () => undefined);
    owner = new Client({ connectionString: url });
    await owner.connect();
  }, 120_000);
  afterAll(async () => {
    await owner?.end();
    await dropDatabase(adminUrl, name);
  });

  it('finds every tenant table keyed by tenant_id and every other table listed as a reference table', async () => {
    const read = await catalog();
    expect(auditDistribution(read, RULES)).toEqual([]);
    const tenantTables = read.tables.filter((table) => table.hasTenantId).map((table) => table.name);
    expect(tenantTables.length).toBeGreaterThanOrEqual(50);
    expect(tenantTables).toEqual(
      expect.arrayContaining(['tenancy.tenants', 'assessments.assessments', 'evidence.components', 'notifications.webhook_deliveries', 'audit.events']),
    );
    expect(read.tables.filter((table) => !table.hasTenantId).map((table) => table.name)).toEqual(
      expect.arrayContaining([...REFERENCE_TABLES, MIGRATIONS_TABLE]),
    );
  });

  it('plans every table once: reference tables, then the tenant tables colocated with the organisations, each after what it refers to', async () => {
    const plan = await distributionPlanOf(url);
    const read = await catalog();
    const planned = plan.map(tableOf);
    expect(new Set(planned).size).toBe(plan.length);
    expect([...planned].sort()).toEqual(
      read.tables
        .map((table) => table.name)
        .filter((table) => table !== MIGRATIONS_TABLE)
        .sort(),
    );
    expect(plan.slice(0, REFERENCE_TABLES.length).every((statement) => statement.startsWith('select create_reference_table('))).toBe(true);
    expect(plan[REFERENCE_TABLES.length]).toBe(`select create_distributed_table('"tenancy"."tenants"', 'tenant_id', colocate_with => 'none');`);
    for (const statement of plan.slice(REFERENCE_TABLES.length + 1)) {
      expect(statement).toBe(
        `select create_distributed_table('"${tableOf(statement).replace('.', '"."')}"', 'tenant_id', colocate_with => '"tenancy"."tenants"');`,
      );
    }
    for (const key of read.foreignKeys) {
      if (key.table !== key.referencedTable) expect([key.name, planned.indexOf(key.referencedTable) < planned.indexOf(key.table)]).toEqual([key.name, true]);
    }
    // The command's own path (DATABASE_URL given) prints the same plan.
    expect(await distributionPlanFromEnvironment({ DATABASE_URL: url }, () => undefined)).toEqual(plan);
  });

  it('names a new table that is neither distributable nor listed, and keys that leave tenant_id out, and refuses to plan', async () => {
    await owner.query('create table evidence.distribution_probe_global (id uuid primary key, name text not null)');
    await owner.query(
      `create table evidence.distribution_probe_tenant (tenant_id uuid not null, id uuid not null, supplier_id uuid not null, code text not null,
         primary key (tenant_id, id), unique (code), foreign key (supplier_id, tenant_id) references evidence.suppliers (tenant_id, id))`,
    );
    try {
      expect(auditDistribution(await catalog(), RULES)).toEqual([
        {
          table: 'evidence.distribution_probe_global',
          problem: 'has no tenant_id and is not listed as a reference table: add tenant_id or list it as a reference table',
        },
        { table: 'evidence.distribution_probe_tenant', problem: 'unique constraint distribution_probe_tenant_code_key (code) does not include tenant_id' },
        {
          table: 'evidence.distribution_probe_tenant',
          problem:
            'foreign key distribution_probe_tenant_supplier_id_tenant_id_fkey (supplier_id, tenant_id) to evidence.suppliers does not pair tenant_id with evidence.suppliers.tenant_id',
        },
      ]);
      await expect(distributionPlanOf(url)).rejects.toThrow(/evidence\.distribution_probe_global has no tenant_id/);
    } finally {
      await owner.query('drop table evidence.distribution_probe_global, evidence.distribution_probe_tenant');
    }
  });

  it('keeps every ON CONFLICT target of the repositories a unique key of its table', async () => {
    const targets = conflictTargets();
    expect(targets.length).toBeGreaterThanOrEqual(30);
    const { rows } = await owner.query(
      `select n.nspname || '.' || c.relname as table, x.indpred is not null as partial,
              array(select a.attname::text from unnest(x.indkey::int2[]) as k(attnum) join pg_attribute a on a.attrelid = x.indrelid and a.attnum = k.attnum) as columns
         from pg_index x join pg_class c on c.oid = x.indrelid join pg_namespace n on n.oid = c.relnamespace
        where x.indisunique`,
    );
    const keys = rows as { table: string; partial: boolean; columns: string[] }[];
    const sameColumns = (a: string[], b: string[]) => a.length === b.length && [...a].sort().join() === [...b].sort().join();
    const unmatched = targets.filter(
      (target) => !keys.some((key) => key.table === target.table && key.partial === target.partial && sameColumns(key.columns, target.columns)),
    );
    expect(unmatched).toEqual([]);
  });
});
