/*
 * Row mapping by convention: a repository states the columns it selects once (the SQL list), and a
 * row maps to its API shape by naming each column in camelCase with timestamps as ISO 8601 strings.
 * A mapper spells out only what differs from that convention.
 */

type Trim<S extends string> = S extends ` ${infer R}` | `\n${infer R}` ? Trim<R> : S extends `${infer R} ` | `${infer R}\n` ? Trim<R> : S;

/** The column names of a SQL select list such as `'id, supplier_id,\n created_at'`. */
export type SelectedColumns<List extends string> = List extends `${infer Head},${infer Tail}` ? Trim<Head> | SelectedColumns<Tail> : Trim<List>;

type Camel<S extends string> = S extends `${infer Head}_${infer Tail}` ? `${Head}${Capitalize<Camel<Tail>>}` : S;

/** A timestamp column as the API states it (an ISO 8601 string); null stays null. */
type Stated<V> = V extends Date ? string : V;

/** The selected columns of `Row` under their camelCase names, timestamps as strings. */
export type MappedColumns<Row, List extends string> = { [C in SelectedColumns<List> & keyof Row & string as Camel<C>]: Stated<Row[C]> };

const parsedLists = new Map<string, [column: string, field: string][]>();

function parse(list: string): [string, string][] {
  let parsed = parsedLists.get(list);
  if (!parsed) {
    parsed = list.split(',').map((column) => {
      const name = column.trim();
      return [name, name.replace(/_([a-z0-9])/g, (_match, next: string) => next.toUpperCase())];
    });
    parsedLists.set(list, parsed);
  }
  return parsed;
}

/**
 * The columns of `list` (a select list of plain column names, every one a key of the row type) from
 * `row`, as {@link MappedColumns}. Columns the list does not name (a computed `due`, say) are left out.
 */
export function mapColumns<Row extends object, List extends string>(
  row: Row,
  list: List & (SelectedColumns<List> extends keyof Row ? unknown : never),
): MappedColumns<Row, List> {
  const mapped: Record<string, unknown> = {};
  for (const [column, field] of parse(list)) {
    const value = (row as Record<string, unknown>)[column];
    mapped[field] = value instanceof Date ? value.toISOString() : value;
  }
  return mapped as MappedColumns<Row, List>;
}

/** The other way: the columns of `list` with their values taken from the camelCase fields of `fields`. */
export function columnValues<List extends string>(fields: object, list: List): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [column, field] of parse(list)) values[column] = (fields as Record<string, unknown>)[field];
  return values;
}
