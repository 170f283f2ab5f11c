import { RequestContext, TenantContextMissingError } from '@assay/shared/tenancy-context';
import { appDatabase } from '../helpers';
import type { DataSource, EntityManager } from 'typeorm';
import { TenantDatabase, newId, queryBehind, recordAuditEvent, verifyAuditChain, writeOutboxEvent } from '@assay/shared/database';
import { ClientBase, Connection } from 'pg';

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

  /** Round trips to Postgres while `action` runs: every Sync (the end of an extended-protocol message) and every simple query. */
  async function roundTrips(action: () => Promise<unknown>): Promise<number> {
    const sync = jest.spyOn(Connection.prototype, 'sync');
    const simple = jest.spyOn(Connection.prototype, 'query');
    try {
      await action();
      return sync.mock.calls.length + simple.mock.calls.length;
    } finally {
      sync.mockRestore();
      simple.mockRestore();
    }
  }

  it('sends the start, the binding and the first statement in one message: a unit of one statement is two round trips', async () => {
    let seen: unknown;
    const trips = await roundTrips(async () => {
      seen = await database.run(async (m) => (await m.query(`select current_setting('app.tenant_id') as t, $1::int as n`, [7]))[0], tenantA);
    });
    expect(seen).toEqual({ t: tenantA, n: 7 });
    expect(trips).toBe(2);
  });

  it('sends a first statement without parameters once the start is answered, and a unit with no statement sends nothing', async () => {
    expect(await roundTrips(() => database.run((m) => m.query(`select 1; select 2`), tenantA))).toBe(3);
    expect(await roundTrips(() => database.run(async () => 'nothing read', tenantA))).toBe(0);
    // The connection that ran nothing is as it was: the next unit on it starts and binds as usual.
    expect(await database.run(async (m) => (await m.query(`select current_setting('app.tenant_id') as t, $1::int as n`, [1]))[0].t, tenantB)).toBe(tenantB);
  });

  it('takes a lock asked for in the message of the first statement: a unit of one statement is still two round trips', async () => {
    const key = `test-lock:${tenantA}`;
    let held: boolean[] = [];
    const trips = await roundTrips(() =>
      database.run(
        async (m) => {
          held = [database.holdsLock(m, key), database.holdsLock(m, `${key}-other`)];
          return m.query(`select $1::int`, [1]);
        },
        tenantA,
        { lock: key },
      ),
    );
    expect(trips).toBe(2);
    expect(held).toEqual([true, false]);
    expect(await database.run(async (m) => database.holdsLock(m, key), tenantA)).toBe(false);
  });

  it('reads with one statement in one round trip, bound to the tenant, and leaves the connection unbound', async () => {
    await database.run((m) => writeOutboxEvent(m, 'tenancy', tenantC, 'supplier.created', supplier('read back')), tenantC);
    let rows: { t: string; n: number }[] = [];
    const trips = await roundTrips(async () => {
      rows = await database.read(
        (m) => m.query(`select current_setting('app.tenant_id') as t, count(*)::int as n from tenancy.outbox where tenant_id = any($1)`, [[tenantA, tenantC]]),
        tenantC,
      );
    });
    expect(trips).toBe(1);
    expect(rows).toEqual([{ t: tenantC, n: 1 }]);
    // The binding ended with the message: with a pool of one, the same connection reads unbound next.
    const single = await appDatabase({ poolSize: 1 });
    try {
      await single.database.read((m) => m.query(`select current_setting('app.tenant_id') as t where $1`, [true]), tenantA);
      expect((await single.dataSource.query(`select coalesce(current_setting('app.tenant_id', true), '') as t`))[0].t).toBe('');
      expect((await single.dataSource.query(`select count(*)::int as n from tenancy.outbox`))[0].n).toBe(0);
    } finally {
      await single.dataSource.destroy();
    }
  });

  it('refuses a read of a second statement, or of one without parameters', async () => {
    await expect(
      database.read(async (m) => {
        await m.query(`select $1::int`, [1]);
        return m.query(`select $1::int`, [2]);
      }, tenantA),
    ).rejects.toThrow(/one statement/);
    await expect(database.read((m) => m.query(`select 1`), tenantA)).rejects.toThrow(/with parameters/);
    // The refused connection went back to the pool whole.
    expect(await database.read(async (m) => (await m.query(`select $1::int as n`, [3]))[0].n, tenantA)).toBe(3);
  });

  it('makes the error of a statement ahead the error of the statement behind it, and leaves the connection usable', async () => {
    const runner = dataSource.createQueryRunner();
    const client = (await runner.connect()) as ClientBase;
    try {
      const send = client.query.bind(client);
      await expect(queryBehind(send, [{ text: 'select 1 / $1::int', values: [0] }], 'select $1::int as n', [1])).rejects.toThrow(/division by zero/);
      await expect(queryBehind(send, [{ text: 'select $1::int', values: [1] }], 'select 1 / $1::int as n', [0])).rejects.toThrow(/division by zero/);
      expect((await client.query('select $1::int as n', [2])).rows).toEqual([{ n: 2 }]);
    } finally {
      await runner.release();
    }
  });

  it('holds the lock from the first statement until the transaction ends: the next unit of work asking for it reads what the first committed', async () => {
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
          // The lock is taken with the first statement.
          await m.query(`select $1::int`, [1]);
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

  it('sends an outbox entry in the message of the commit: one round trip for an event alone, two for a statement and an event', async () => {
    const tenant = newId();
    const written: string[] = [];
    expect(
      await roundTrips(async () => {
        written.push((await database.run((m) => writeOutboxEvent(m, 'tenancy', tenant, 'supplier.created', supplier('alone')), tenant)).id);
      }),
    ).toBe(1);
    let counted = 0;
    expect(
      await roundTrips(() =>
        RequestContext.runForTenant(tenant, async () => {
          await database.run(async (m) => {
            expect((await m.query(`select current_setting('app.tenant_id') as t, $1::int as n`, [1]))[0].t).toBe(tenant);
            written.push((await writeOutboxEvent(m, 'tenancy', tenant, 'supplier.created', supplier('after a statement'))).id);
            written.push((await writeOutboxEvent(m, 'tenancy', tenant, 'supplier.created', supplier('and another'))).id);
          });
          counted = RequestContext.queryCount() ?? 0;
        }),
      ),
    ).toBe(2);
    // The statement, the two entries and the commit, for the request's count of statements.
    expect(counted).toBe(4);
    // Read on a connection of its own, which sees only what was committed.
    const other = await appDatabase({ poolSize: 1 });
    try {
      const ids = await other.database.run(
        async (m) => (await m.query(`select id from tenancy.outbox where tenant_id = $1 order by id`, [tenant])).map((row: { id: string }) => row.id),
        tenant,
      );
      expect(ids).toEqual([...written].sort());
    } finally {
      await other.dataSource.destroy();
    }
  });

  it("makes the error of a statement sent with the commit the unit's: nothing of it commits, and the connection is left usable", async () => {
    const single = await appDatabase({ poolSize: 1 });
    const tenant = newId();
    try {
      // An entry for another tenant breaks row-level security (WITH CHECK), after the unit's own entry.
      const crossing = (m: EntityManager) =>
        writeOutboxEvent(m, 'tenancy', tenant, 'supplier.created', supplier('kept back')).then(() =>
          writeOutboxEvent(m, 'tenancy', newId(), 'supplier.created', supplier('elsewhere')),
        );
      await expect(single.database.run(crossing, tenant)).rejects.toThrow(/row-level security/);
      await expect(
        single.database.run(async (m) => {
          // A write sent at once, before the entries: rolled back with them.
          await m.query(`insert into tenancy.outbox (tenant_id, id, type, payload, created_at) values ($1, $2, 'supplier.created', '{}', now())`, [
            tenant,
            newId(),
          ]);
          await crossing(m);
        }, tenant),
      ).rejects.toThrow(/row-level security/);
      // The one connection is out of its transaction and unbound: the next unit starts as usual.
      expect(await single.database.run(async (m) => (await m.query(`select current_setting('app.tenant_id') as t, $1::int as n`, [1]))[0].t, tenantB)).toBe(
        tenantB,
      );
      expect((await single.dataSource.query(`select coalesce(current_setting('app.tenant_id', true), '') as t`))[0].t).toBe('');
      expect(
        await single.database.run(async (m) => (await m.query(`select count(*)::int as n from tenancy.outbox where tenant_id = $1`, [tenant]))[0].n, tenant),
      ).toBe(0);
    } finally {
      await single.dataSource.destroy();
    }
  });

  it('records audit entries with the lock and the read of the previous entry in one message, and concurrent units make one gap-free chain', async () => {
    const tenant = newId();
    const audit = (m: EntityManager, n: number) => recordAuditEvent(m, tenant, 'tenancy', { action: 'test.recorded', targetType: 'test', targetId: String(n) });
    // The statement (with the start), the lock with the read, the insert, the commit.
    expect(
      await roundTrips(() =>
        database.run(async (m) => {
          await m.query(`select $1::int`, [0]);
          await audit(m, 0);
        }, tenant),
      ),
    ).toBe(4);
    // As the unit's first statement, with its start too: that message, the insert, the commit.
    expect(await roundTrips(() => database.run((m) => audit(m, 0.5), tenant))).toBe(3);
    // A unit waiting for the lock while another holds it: its read of the previous entry, in the same
    // message as the lock, must see the entry the holder commits.
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let recorded: () => void = () => undefined;
    const holding = new Promise<void>((resolve) => (recorded = resolve));
    const holder = database.run(async (m) => {
      await audit(m, 100);
      recorded();
      await gate;
    }, tenant);
    await holding;
    const waiting = database.run(async (m) => {
      await m.query(`select $1::int`, [1]);
      await audit(m, 101);
    }, tenant);
    for (let tries = 0; tries < 50; tries++) {
      const [{ n }] = await dataSource.query(`select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted`);
      if (n > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    release();
    await Promise.all([holder, waiting]);
    // Units racing for the tenant's chain, some with the entry as their first statement.
    await Promise.all(
      Array.from({ length: 12 }, (_, n) =>
        database.run(async (m) => {
          if (n % 3 !== 0) await m.query(`select $1::int`, [n]);
          await audit(m, n + 1);
        }, tenant),
      ),
    );
    const chain = await database.run(async (m) => {
      const seqs = (await m.query(`select seq from audit.events where tenant_id = $1 order by seq`, [tenant])).map((row: { seq: string }) => Number(row.seq));
      return { seqs, verification: await verifyAuditChain(m, tenant) };
    }, tenant);
    expect(chain.seqs).toEqual(Array.from({ length: 16 }, (_, n) => n + 1));
    expect(chain.verification).toMatchObject({ valid: true, checked: 16 });
  });

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
