import { RequestContext, TenantContextMissingError } from '@assay/shared/tenancy-context';
import { appDatabase } from '../helpers';
import type { DataSource } from 'typeorm';
import { TenantDatabase, newId, writeOutboxEvent } from '@assay/shared/database';

describe('TenantDatabase (as the confined app role)', () => {
  let dataSource: DataSource;
  let database: TenantDatabase;
  const tenantA = newId();
  const tenantB = newId();
  const tenantC = newId();

  beforeAll(async () => {
    ({ dataSource, database } = await appDatabase());
  });
  afterAll(async () => dataSource.destroy());

  const count = (tenantId: string) =>
    database.run(async (m) => (await m.query(`select count(*)::int as n from tenancy.outbox where tenant_id = any($1)`, [[tenantA, tenantB]]))[0].n, tenantId);

  it('refuses to run a unit of work with no tenant in context', async () => {
    await expect(database.run(async () => 'ran')).rejects.toThrow(TenantContextMissingError);
  });

  it('takes the tenant from the request context', async () => {
    const seen = await RequestContext.runForTenant(tenantA, () =>
      database.run(async (m) => (await m.query(`select current_setting('app.tenant_id') as t`))[0].t),
    );
    expect(seen).toBe(tenantA);
  });

  it('starts the transaction and binds the tenant in one statement: a unit of work of one query runs three', async () => {
    const counted = await RequestContext.runForTenant(tenantA, async () => {
      await database.run((m) => m.query(`select 1`));
      return RequestContext.queryCount();
    });
    expect(counted).toBe(3);
  });

  it('takes a lock asked for in the message that starts the transaction: a unit of work of one query still runs three', async () => {
    const key = `test-lock:${tenantA}`;
    let held: boolean[] = [];
    const counted = await RequestContext.runForTenant(tenantA, async () => {
      await database.run(
        async (m) => {
          held = [database.holdsLock(m, key), database.holdsLock(m, `${key}-other`)];
          return m.query(`select 1`);
        },
        tenantA,
        { lock: key },
      );
      return RequestContext.queryCount();
    });
    expect(counted).toBe(3);
    expect(held).toEqual([true, false]);
    expect(await database.run(async (m) => database.holdsLock(m, key), tenantA)).toBe(false);
  });

  it('holds the lock until the transaction ends: the next unit of work asking for it reads what the first committed', async () => {
    for (const key of [`test-lock:${tenantC}`, `a lock key of another shape, bound as a parameter: '); --`]) {
      let release: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let locked: () => void = () => undefined;
      const holding = new Promise<void>((resolve) => (locked = resolve));
      const before: number = await database.run(
        async (m) => (await m.query(`select count(*)::int as n from tenancy.outbox where tenant_id = $1`, [tenantC]))[0].n,
        tenantC,
      );
      const first = database.run(
        async (m) => {
          expect(database.holdsLock(m, key)).toBe(true);
          locked();
          await gate;
          await writeOutboxEvent(m, 'tenancy', tenantC, 'supplier.created', supplier('written under the lock'));
        },
        tenantC,
        { lock: key },
      );
      await holding;
      const second = database.run(async (m) => (await m.query(`select count(*)::int as n from tenancy.outbox where tenant_id = $1`, [tenantC]))[0].n, tenantC, {
        lock: key,
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
      release();
      await first;
      expect(await second).toBe(before + 1);
    }
  });

  it('binds a tenant id of any other shape as a parameter, exactly as given', async () => {
    const odd = `x'); select set_config('app.tenant_id', 'y', true); --`;
    const seen = await database.run(async (m) => (await m.query(`select current_setting('app.tenant_id') as t`))[0].t, odd);
    expect(seen).toBe(odd);
  });

  const supplier = (name: string) => ({ supplierId: newId(), name, tier: 'high', role: 'developer_distributor', status: 'active' as const });

  it('scopes reads and writes to the bound tenant', async () => {
    await database.run((m) => writeOutboxEvent(m, 'tenancy', tenantA, 'supplier.created', supplier('one')), tenantA);
    await database.run((m) => writeOutboxEvent(m, 'tenancy', tenantB, 'supplier.created', supplier('two')), tenantB);
    expect(await count(tenantA)).toBe(1);
    expect(await count(tenantB)).toBe(1);
  });

  it('cannot write a row into another tenant (WITH CHECK)', async () => {
    await expect(database.run((m) => writeOutboxEvent(m, 'tenancy', tenantB, 'supplier.created', supplier('three')), tenantA)).rejects.toThrow(
      /row-level security/,
    );
  });

  it('sees nothing without app.tenant_id, even with a raw query outside a unit of work', async () => {
    const rows = await dataSource.query(`select count(*)::int as n from tenancy.outbox`);
    expect(rows[0].n).toBe(0);
    await expect(dataSource.query(`insert into tenancy.outbox (tenant_id, id, type, payload) values ($1, $2, 'x', '{}')`, [tenantA, newId()])).rejects.toThrow(
      /row-level security/,
    );
  });

  it('rolls back everything a failed unit of work wrote', async () => {
    const before = await count(tenantA);
    const failure = new Error('the work failed');
    await expect(
      database.run(async (m) => {
        await writeOutboxEvent(m, 'tenancy', tenantA, 'supplier.created', supplier('rolled back'));
        throw failure;
      }, tenantA),
    ).rejects.toBe(failure);
    expect(await count(tenantA)).toBe(before);
  });

  it('does not leak the tenant setting to the next transaction on the same connection', async () => {
    await database.run(async () => undefined, tenantA);
    const rows = await dataSource.query(`select coalesce(current_setting('app.tenant_id', true), '') as t`);
    expect(rows[0].t).toBe('');
  });

  it('runs as the app role, which may not update or delete outbox rows', async () => {
    const [{ user }] = await dataSource.query('select current_user as user');
    expect(user).toBe('assay_app');
    await expect(database.run((m) => m.query(`delete from tenancy.outbox`), tenantA)).rejects.toThrow(/permission denied/);
  });
});
