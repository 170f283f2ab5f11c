import { Clock, clock as processClock } from '@assay/shared/clock';
import { RequestContext, TenantContextMissingError } from '@assay/shared/tenancy-context';
import type { DataSource, EntityManager } from 'typeorm';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_TIME = /^[0-9TZ:.+-]{1,40}$/;
const LOCK_KEY = /^[A-Za-z0-9:._-]{1,200}$/;

/** What a tenant unit of work is started with, besides its tenant. */
export interface TenantUnitOptions {
  /**
   * A transaction-level advisory lock (`pg_advisory_xact_lock` on the key's 64-bit hash) taken before
   * `work` runs, in the same round trip as the transaction's start and binding. It is held until the
   * transaction ends, and every statement of `work` reads with a snapshot taken after it was granted,
   * so `work` sees all that earlier holders committed.
   */
  lock?: string;
}

/** The advisory locks each open unit of work took when it started, by its query runner. */
const heldLocks = new WeakMap<object, Set<string>>();

/**
 * Units of work against Postgres. Every tenant unit of work is one transaction whose first statement
 * binds `app.tenant_id`, so row-level security scopes every later statement to that tenant, and
 * `app.now`, the business time of the process's clock, which SQL reads as `app.now()` (see the
 * `business-clock` migration), so a date the database compares is the date the code compares.
 */
export class TenantDatabase {
  constructor(
    readonly dataSource: DataSource,
    private readonly systemRole: string,
    private readonly clock: Clock = processClock,
  ) {}

  /**
   * Runs `work` in a transaction bound to the tenant of the current context (or the one given). The
   * transaction's start and the binding go to Postgres in one round trip (one simple-protocol
   * message of two statements), so a tenant read costs three round trips (begin and bind, the query,
   * commit), not four. A lock asked for in `options` is taken in that same message.
   */
  async run<T>(work: (manager: EntityManager) => Promise<T>, tenantId: string = RequestContext.tenantId, options: TenantUnitOptions = {}): Promise<T> {
    if (!tenantId) throw new TenantContextMissingError();
    const now = this.clock.now().toISOString();
    const { lock } = options;
    // Only values of a known shape are written into the statement; anything else is bound as a parameter.
    if (!UUID.test(tenantId) || !ISO_TIME.test(now) || (lock !== undefined && !LOCK_KEY.test(lock))) {
      return this.dataSource.transaction(async (manager) => {
        await manager.query(`select set_config('app.tenant_id', $1, true), set_config('app.now', $2, true)`, [tenantId, now]);
        if (lock === undefined) return work(manager);
        await manager.query(`select pg_advisory_xact_lock(hashtextextended($1, 0))`, [lock]);
        const runner = manager.queryRunner;
        if (runner) heldLocks.set(runner, new Set([lock]));
        try {
          return await work(manager);
        } finally {
          if (runner) heldLocks.delete(runner);
        }
      });
    }
    const runner = this.dataSource.createQueryRunner();
    try {
      // Marked open as TypeORM's own transaction marks it, so nothing run through the manager opens another.
      Object.assign(runner, { isTransactionActive: true });
      const locking = lock === undefined ? '' : `; select pg_advisory_xact_lock(hashtextextended('${lock}', 0))`;
      await runner.query(`start transaction; select set_config('app.tenant_id', '${tenantId}', true), set_config('app.now', '${now}', true)${locking}`);
      if (lock !== undefined) heldLocks.set(runner, new Set([lock]));
      const result = await work(runner.manager);
      await runner.query('commit');
      Object.assign(runner, { isTransactionActive: false });
      return result;
    } catch (error) {
      await runner.query('rollback').catch(() => undefined);
      Object.assign(runner, { isTransactionActive: false });
      throw error;
    } finally {
      heldLocks.delete(runner);
      await runner.release();
    }
  }

  /** Whether the unit of work of `manager` took the advisory lock `key` when it started (see `TenantUnitOptions.lock`). */
  holdsLock(manager: EntityManager, key: string): boolean {
    return manager.queryRunner !== undefined && (heldLocks.get(manager.queryRunner)?.has(key) ?? false);
  }

  /**
   * Runs cross-tenant system work (outbox relay, scheduler fan-out) as the narrowly-granted system
   * role: it sees only the tables and rows that have a policy for it.
   */
  async runAsSystem<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`select set_config('role', $1, true), set_config('app.now', $2, true)`, [this.systemRole, this.clock.now().toISOString()]);
      return work(manager);
    });
  }

  /** Reads global (non-tenant) data such as the catalogue. Business time in SQL is the database's own here. */
  async runGlobal<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return work(this.dataSource.manager);
  }
}
