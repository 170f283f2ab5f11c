import { RequestContext } from '@assay/shared/tenancy-context';

interface Batch<V> {
  keys: Set<string>;
  result: Promise<Map<string, V>>;
}

/**
 * Collects the keys a request asks for in one tick and loads them together: a list of suppliers
 * with their products costs one query, not one per supplier.
 */
export class RequestBatch<V> {
  private readonly batches = new WeakMap<object, Batch<V>>();

  constructor(private readonly load: (tenantId: string, keys: string[]) => Promise<Map<string, V>>) {}

  async get(request: object, key: string): Promise<V | undefined> {
    const tenantId = RequestContext.tenantId;
    let batch = this.batches.get(request);
    if (!batch) {
      const keys = new Set<string>();
      const result = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
        this.batches.delete(request);
        return this.load(tenantId, [...keys]);
      });
      batch = { keys, result };
      this.batches.set(request, batch);
    }
    batch.keys.add(key);
    return (await batch.result).get(key);
  }
}

/** Rows grouped by a key, in query order. */
export function groupBy<T>(rows: T[], keyOf: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  return groups;
}
