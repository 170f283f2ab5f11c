import { Page, PageQueryDto, decodeCursor, pageLimit, toPage } from '@assay/shared/http';

/** Newest-first keyset pages over `(created_at, id)`: `after` is the last row's pair, or null for the first page. Paged timestamps are stored to the millisecond (the tables' defaults truncate), so the cursor's ISO time is exact. */
export async function pageByTime<T extends { id: string }>(
  query: Pick<PageQueryDto, 'limit' | 'cursor'>,
  timeOf: (row: T) => string,
  fetch: (limit: number, after: [string, string] | null) => Promise<T[]>,
): Promise<Page<T>> {
  const limit = pageLimit(query);
  const cursor = decodeCursor(query.cursor, ['timestamp', 'uuid']);
  const rows = await fetch(limit + 1, cursor ? [String(cursor[0]), String(cursor[1])] : null);
  return toPage(rows, limit, (row) => [timeOf(row), row.id]);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Path ids that are not UUIDs can name nothing: they are answered like any unknown id. */
export function isResourceId(value: string): boolean {
  return UUID.test(value);
}
