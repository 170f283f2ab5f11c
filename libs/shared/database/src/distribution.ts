import { quoteIdent } from './identifiers';

/** The column every tenant table is distributed by (Citus `create_distributed_table`). */
export const DISTRIBUTION_COLUMN = 'tenant_id';

/** The migration runner's bookkeeping table: it stays a plain table on the coordinator. */
export const MIGRATIONS_TABLE = 'public.assay_migrations';

export interface CatalogTable {
  /** `schema.table` */
  name: string;
  hasTenantId: boolean;
}

export interface CatalogKey {
  table: string;
  name: string;
  kind: 'primary key' | 'unique constraint' | 'unique index' | 'exclusion constraint';
  /** Key columns in order; null for an expression. */
  columns: (string | null)[];
}

/** One of `pg_constraint.confdeltype` / `confupdtype`: a no action, r restrict, c cascade, n set null, d set default. */
export type ForeignKeyAction = 'a' | 'r' | 'c' | 'n' | 'd';

export interface CatalogForeignKey {
  table: string;
  name: string;
  columns: string[];
  referencedTable: string;
  referencedColumns: string[];
  onDelete: ForeignKeyAction;
  onUpdate: ForeignKeyAction;
}

/** What distribution depends on, read from the Postgres catalog of a migrated database. */
export interface DistributionCatalog {
  tables: CatalogTable[];
  keys: CatalogKey[];
  foreignKeys: CatalogForeignKey[];
}

export interface DistributionRules {
  /** Global tables (no tenant_id), replicated to every node as Citus reference tables. */
  referenceTables: readonly string[];
  /** Tables that stay on the coordinator only (the migration bookkeeping). */
  localTables?: readonly string[];
  /** The tenant table the colocation group is created with, when it refers to no other tenant table. */
  colocationAnchor?: string;
}

export interface DistributionProblem {
  table: string;
  problem: string;
}

interface Queryable {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

const SYSTEM_SCHEMAS = `n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_%'`;

/**
 * Reads tables, unique keys and foreign keys of the given schemas (every user schema when none are
 * given). Unique keys come from the indexes themselves, so partial unique indexes (the ON CONFLICT
 * targets with a WHERE clause) are covered as well as constraints.
 */
export async function readDistributionCatalog(db: Queryable, schemas?: readonly string[]): Promise<DistributionCatalog> {
  const inSchemas = schemas ? 'n.nspname = any($1::text[])' : SYSTEM_SCHEMAS;
  const params = schemas ? [[...schemas]] : [];
  const tables = (await db.query(
    `select n.nspname || '.' || c.relname as name,
            exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = '${DISTRIBUTION_COLUMN}' and not a.attisdropped) as "hasTenantId"
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'p') and not c.relispartition and ${inSchemas}
      order by 1`,
    params,
  )) as CatalogTable[];
  const keys = (await db.query(
    `select n.nspname || '.' || c.relname as table, i.relname as name,
            case when x.indisprimary then 'primary key'
                 when k.contype = 'u' then 'unique constraint'
                 when k.contype = 'x' then 'exclusion constraint'
                 else 'unique index' end as kind,
            array(select a.attname::text from unnest(x.indkey::int2[]) with ordinality as u(attnum, ord)
                    left join pg_attribute a on a.attrelid = x.indrelid and a.attnum = u.attnum
                   where u.ord <= x.indnkeyatts order by u.ord) as columns
       from pg_index x
       join pg_class i on i.oid = x.indexrelid
       join pg_class c on c.oid = x.indrelid
       join pg_namespace n on n.oid = c.relnamespace
       left join pg_constraint k on k.conindid = x.indexrelid and k.conrelid = x.indrelid
      where (x.indisunique or k.contype = 'x') and c.relkind in ('r', 'p') and ${inSchemas}
      order by 1, 2`,
    params,
  )) as CatalogKey[];
  const foreignKeys = (await db.query(
    `select n.nspname || '.' || c.relname as table, k.conname as name,
            rn.nspname || '.' || rc.relname as "referencedTable",
            array(select a.attname::text from unnest(k.conkey) with ordinality as u(attnum, ord)
                    join pg_attribute a on a.attrelid = k.conrelid and a.attnum = u.attnum order by u.ord) as columns,
            array(select a.attname::text from unnest(k.confkey) with ordinality as u(attnum, ord)
                    join pg_attribute a on a.attrelid = k.confrelid and a.attnum = u.attnum order by u.ord) as "referencedColumns",
            k.confdeltype as "onDelete", k.confupdtype as "onUpdate"
       from pg_constraint k
       join pg_class c on c.oid = k.conrelid
       join pg_namespace n on n.oid = c.relnamespace
       join pg_class rc on rc.oid = k.confrelid
       join pg_namespace rn on rn.oid = rc.relnamespace
      where k.contype = 'f' and ${inSchemas}
      order by 1, 2`,
    params,
  )) as CatalogForeignKey[];
  return { tables, keys, foreignKeys };
}

type Placement = 'distributed' | 'reference' | 'local' | 'unplaced';

function placements(catalog: DistributionCatalog, rules: DistributionRules): Map<string, Placement> {
  const reference = new Set(rules.referenceTables);
  const local = new Set(rules.localTables ?? [MIGRATIONS_TABLE]);
  return new Map(
    catalog.tables.map((table): [string, Placement] => {
      if (local.has(table.name)) return [table.name, 'local'];
      if (reference.has(table.name)) return [table.name, 'reference'];
      return [table.name, table.hasTenantId ? 'distributed' : 'unplaced'];
    }),
  );
}

const describeKey = (key: CatalogKey) => `${key.kind} ${key.name} (${key.columns.map((column) => column ?? '<expression>').join(', ')})`;

/**
 * Checks that the schema can be distributed by tenant_id: every table with tenant_id keeps it in its
 * primary key, every unique key and every foreign key to another tenant table (paired with that
 * table's tenant_id; SET NULL / SET DEFAULT is refused on such keys); every table without it is a
 * listed reference table whose foreign keys stay among reference tables. A table that is neither is
 * named, as is a listed reference table that is missing or has tenant_id.
 */
export function auditDistribution(catalog: DistributionCatalog, rules: DistributionRules): DistributionProblem[] {
  const problems: DistributionProblem[] = [];
  const placed = placements(catalog, rules);
  const hasTenantId = new Map(catalog.tables.map((table) => [table.name, table.hasTenantId]));
  for (const name of rules.referenceTables) {
    if (!placed.has(name)) problems.push({ table: name, problem: 'is listed as a reference table but does not exist' });
    else if (hasTenantId.get(name))
      problems.push({ table: name, problem: `is listed as a reference table but has ${DISTRIBUTION_COLUMN}: distribute it by ${DISTRIBUTION_COLUMN} instead` });
  }
  for (const [table, placement] of placed) {
    if (placement === 'unplaced') {
      problems.push({
        table,
        problem: `has no ${DISTRIBUTION_COLUMN} and is not listed as a reference table: add ${DISTRIBUTION_COLUMN} or list it as a reference table`,
      });
    }
    if (placement !== 'distributed') continue;
    const keys = catalog.keys.filter((key) => key.table === table);
    if (!keys.some((key) => key.kind === 'primary key')) problems.push({ table, problem: `has no primary key (it must include ${DISTRIBUTION_COLUMN})` });
    for (const key of keys) {
      if (!key.columns.includes(DISTRIBUTION_COLUMN)) problems.push({ table, problem: `${describeKey(key)} does not include ${DISTRIBUTION_COLUMN}` });
    }
  }
  for (const key of catalog.foreignKeys) {
    const from = placed.get(key.table);
    const to = placed.get(key.referencedTable) ?? 'unplaced';
    const described = `foreign key ${key.name} (${key.columns.join(', ')}) to ${key.referencedTable}`;
    if (from === 'reference' && to !== 'reference')
      problems.push({ table: key.table, problem: `${described}: a reference table may refer only to reference tables` });
    if (from !== 'distributed' || to === 'reference') continue;
    if (to !== 'distributed') {
      problems.push({ table: key.table, problem: `${described}: a tenant table may refer only to tenant tables and reference tables` });
      continue;
    }
    const position = key.columns.indexOf(DISTRIBUTION_COLUMN);
    if (position < 0 || key.referencedColumns[position] !== DISTRIBUTION_COLUMN) {
      problems.push({ table: key.table, problem: `${described} does not pair ${DISTRIBUTION_COLUMN} with ${key.referencedTable}.${DISTRIBUTION_COLUMN}` });
    } else if (['n', 'd'].includes(key.onDelete) || ['n', 'd'].includes(key.onUpdate)) {
      problems.push({ table: key.table, problem: `${described} sets ${DISTRIBUTION_COLUMN} to null or a default on delete or update` });
    }
  }
  return problems;
}

export class DistributionPlanError extends Error {
  constructor(readonly problems: DistributionProblem[]) {
    super(`the schema cannot be distributed by ${DISTRIBUTION_COLUMN}:\n${problems.map((p) => `  ${p.table} ${p.problem}`).join('\n')}`);
  }
}

/** Referenced tables before the tables that refer to them (self references ignored), ties by name. */
function dependencyOrder(tables: string[], foreignKeys: CatalogForeignKey[]): string[] {
  const members = new Set(tables);
  const dependsOn = new Map(tables.map((table) => [table, new Set<string>()]));
  for (const key of foreignKeys) {
    if (members.has(key.table) && members.has(key.referencedTable) && key.table !== key.referencedTable) {
      dependsOn.get(key.table)?.add(key.referencedTable);
    }
  }
  const ordered: string[] = [];
  const done = new Set<string>();
  let remaining = [...tables].sort();
  while (remaining.length > 0) {
    const ready = remaining.filter((table) => [...(dependsOn.get(table) ?? [])].every((dependency) => done.has(dependency)));
    if (ready.length === 0) {
      throw new DistributionPlanError(remaining.map((table) => ({ table, problem: 'is in a cycle of foreign keys' })));
    }
    for (const table of ready) {
      ordered.push(table);
      done.add(table);
    }
    remaining = remaining.filter((table) => !done.has(table));
  }
  return ordered;
}

function regclassLiteral(name: string): string {
  const [schema, table] = name.split('.') as [string, string];
  return `'${quoteIdent(schema)}.${quoteIdent(table)}'`;
}

/**
 * The Citus statements distributing the schema, in an order Citus accepts: reference tables first
 * (referenced before referring), then every tenant table by tenant_id in one colocation group
 * (referenced before referring, so each foreign key joins two tables already colocated). Throws
 * DistributionPlanError when the audit finds a problem.
 */
export function distributionPlan(catalog: DistributionCatalog, rules: DistributionRules): string[] {
  const problems = auditDistribution(catalog, rules);
  if (problems.length > 0) throw new DistributionPlanError(problems);
  const placed = placements(catalog, rules);
  const having = (placement: Placement) => [...placed].filter(([, p]) => p === placement).map(([table]) => table);
  const reference = dependencyOrder(having('reference'), catalog.foreignKeys);
  const ordered = dependencyOrder(having('distributed'), catalog.foreignKeys);
  const anchorIsFree = !catalog.foreignKeys.some((key) => key.table === rules.colocationAnchor && placed.get(key.referencedTable) === 'distributed');
  const distributed =
    rules.colocationAnchor && ordered.includes(rules.colocationAnchor) && anchorIsFree
      ? [rules.colocationAnchor, ...ordered.filter((table) => table !== rules.colocationAnchor)]
      : ordered;
  const [anchor] = distributed;
  return [
    ...reference.map((table) => `select create_reference_table(${regclassLiteral(table)});`),
    ...distributed.map(
      (table) =>
        `select create_distributed_table(${regclassLiteral(table)}, '${DISTRIBUTION_COLUMN}', colocate_with => ${table === anchor ? `'none'` : regclassLiteral(anchor as string)});`,
    ),
  ];
}
