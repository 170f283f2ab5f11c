import type { EntityManager } from 'typeorm';
import { quoteIdent } from './identifiers';
import { MappedColumns, SelectedColumns, columnValues, mapColumns } from './row-mapping';

/**
 * One write to a projection a service keeps from another service's events (suppliers, assessments,
 * tenants, members, check results, reminder schedules): insert the row, or overwrite it, but only when
 * the event is not older than the one stored (`event_at`). Events replayed or delivered out of order
 * therefore never roll a projection back, and every projection says so in the same words.
 */
export interface ProjectionWrite {
  /** Schema and table, e.g. `['evidence', 'suppliers']`. */
  table: readonly [schema: string, table: string];
  /** The projection's key: the conflict target, never overwritten. */
  key: readonly string[];
  /** Column → value (a query parameter). Every column that is not a key is overwritten unless `merge` names it. */
  values: Readonly<Record<string, unknown>>;
  /**
   * Column → SQL for columns that are not simply overwritten: the value to keep on conflict, written
   * over `excluded.<column>` and `current.<column>` (the stored row), e.g.
   * `coalesce(excluded.settings, current.settings)`.
   */
  merge?: Readonly<Record<string, string>>;
  /** Column → SQL computed on insert only (e.g. `{ id: 'gen_random_uuid()' }`); kept on conflict. */
  insertOnly?: Readonly<Record<string, string>>;
  /** The time of the event the write comes from. */
  eventAt: string;
  /** Whether the table has `updated_at` to stamp (default true). */
  stamped?: boolean;
}

/** Applies `write` when its event is not older than the stored row's; returns whether it applied. */
export async function writeProjection(manager: EntityManager, write: ProjectionWrite): Promise<boolean> {
  const [schema, name] = write.table;
  const table = `${quoteIdent(schema)}.${quoteIdent(name)} as current`;
  const params = Object.values(write.values);
  const columns = [...Object.keys(write.values), 'event_at', ...Object.keys(write.insertOnly ?? {})];
  const inserted = [...params.map((_, i) => `$${i + 1}`), `$${params.length + 1}`, ...Object.values(write.insertOnly ?? {})];
  const assignments = Object.keys(write.values)
    .filter((column) => !write.key.includes(column))
    .map((column) => `${quoteIdent(column)} = ${write.merge?.[column] ?? `excluded.${quoteIdent(column)}`}`);
  assignments.push(`"event_at" = excluded."event_at"`);
  if (write.stamped !== false) assignments.push(`"updated_at" = app.now()`);
  const applied: unknown[] = await manager.query(
    `insert into ${table} (${columns.map(quoteIdent).join(', ')}) values (${inserted.join(', ')})
     on conflict (${write.key.map(quoteIdent).join(', ')}) do update set ${assignments.join(', ')}
     where current."event_at" <= excluded."event_at"
     returning 1`,
    [...params, write.eventAt],
  );
  return applied.length > 0;
}

/**
 * A projection kept by id per tenant whose columns map to its fields by the row-mapping convention:
 * written from events through {@link writeProjection} (so never rolled back by an older one) and read
 * back in camelCase. A repository states its table and select list and inherits both.
 */
export class ProjectionById<Row extends { id: string }, List extends string> {
  constructor(
    private readonly table: readonly [schema: string, table: string],
    private readonly columns: List & (SelectedColumns<List> extends keyof Row ? unknown : never),
  ) {}

  async upsert(manager: EntityManager, tenantId: string, known: MappedColumns<Row, List>, eventAt: string): Promise<void> {
    await writeProjection(manager, {
      table: this.table,
      key: ['tenant_id', 'id'],
      values: { tenant_id: tenantId, ...columnValues(known, this.columns) },
      eventAt,
    });
  }

  async find(manager: EntityManager, tenantId: string, id: string): Promise<MappedColumns<Row, List> | null> {
    const [schema, name] = this.table;
    const [row]: Row[] = await manager.query(`select ${this.columns} from ${quoteIdent(schema)}.${quoteIdent(name)} where tenant_id = $1 and id = $2`, [
      tenantId,
      id,
    ]);
    return row ? (mapColumns(row, this.columns) as MappedColumns<Row, List>) : null;
  }
}
