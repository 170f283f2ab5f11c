import { RequestContext } from '@assay/shared/tenancy-context';
import { RequestBatch, groupBy } from './request-batch';

const TENANT = '0190f0a0-0000-7000-8000-000000000001';

describe('request batches', () => {
  it('loads every key a request asks for in one tick with one call, and separates requests', async () => {
    const calls: { tenantId: string; keys: string[] }[] = [];
    const batch = new RequestBatch<string[]>(async (tenantId, keys) => {
      calls.push({ tenantId, keys });
      return new Map(keys.map((key) => [key, [`child of ${key}`]]));
    });
    const request = {};
    const other = {};
    const keys = Array.from({ length: 50 }, (_, index) => `supplier-${index}`);
    const results = await RequestContext.runForTenant(TENANT, () =>
      Promise.all([...keys.map((key) => batch.get(request, key)), batch.get(other, 'supplier-0')]),
    );
    expect(calls).toHaveLength(2);
    expect(calls[0]).toEqual({ tenantId: TENANT, keys });
    expect(calls[1]?.keys).toEqual(['supplier-0']);
    expect(results[49]).toEqual(['child of supplier-49']);
    // A later tick of the same request starts a new batch.
    expect(await RequestContext.runForTenant(TENANT, () => batch.get(request, 'late'))).toEqual(['child of late']);
    expect(calls).toHaveLength(3);
  });

  it('groups rows by key in order', () => {
    const groups = groupBy(
      [
        { s: 'a', n: 1 },
        { s: 'b', n: 2 },
        { s: 'a', n: 3 },
      ],
      (row) => row.s,
    );
    expect(groups.get('a')).toEqual([
      { s: 'a', n: 1 },
      { s: 'a', n: 3 },
    ]);
    expect(groups.get('c')).toBeUndefined();
  });
});
