import { Clock, clock as processClock } from '@assay/shared/clock';
import { RequestContext, TenantContextMissingError } from '@assay/shared/tenancy-context';
import type { ClientBase, QueryResult } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import { Statement, queryBehind } from './pipelined-query';

type Query = (text: unknown, values?: unknown, callback?: unknown) => unknown;

/**
 * Has `client.query` answered by `replacement` (given the client's own `query`) until the returned
 * function puts the client's own back: how a unit of work puts its start or binding in the message of
 * its statement, whatever TypeORM sends it through.
 */
function interceptQueries(client: ClientBase, replacement: (own: Query, ...args: Parameters<Query>) => unknown): () => void {
  const own = client.query.bind(client) as Query;
  client.query = ((...args: Parameters<Query>) => replacement(own, ...args)) as ClientBase['query'];
  return () => void delete (client as { query?: unknown }).query;
}

/**
 * Has `statements` sent in the same message as the next statement `client` is given, once, and
 * reports the promise of their outcome. A statement with parameters (the extended protocol) goes
 * behind them in one round trip; anything else (a statement without parameters, which may hold
 * several, or a stream) follows them as it is, once they are answered.
 */
function sendAheadOfFirst(client: ClientBase, statements: readonly Statement[], sent: (outcome: Promise<unknown>) => void): () => void {
  const restore = interceptQueries(client, (own, text, values, callback) => {
    restore();
    if (typeof text === 'string' && Array.isArray(values) && values.length > 0 && callback === undefined) {
      const outcome = queryBehind(own as ClientBase['query'], statements, text, values);
      sent(outcome);
      return outcome;
    }
    const last = statements[statements.length - 1] as Statement;
    const outcome = queryBehind(own as ClientBase['query'], statements.slice(0, -1), last.text, last.values);
    sent(outcome);
    const send = () => own(...([text, values, callback].filter((argument) => argument !== undefined) as Parameters<Query>));
    // A statement goes once the start is answered (and not at all if it failed); a stream, which its
    // caller holds at once, is queued behind the start (a failed start leaves it without a tenant, which RLS refuses).
    if (typeof text === 'string' && callback === undefined) return outcome.then(send);
    outcome.catch(() => undefined);
    return send();
  });
  return restore;
}

const LOCK = 'select pg_advisory_xact_lock(hashtextextended($1, 0))';

/** What a tenant unit of work is started with, besides its tenant. */
export interface TenantUnitOptions {
  /**
   * A transaction-level advisory lock (`pg_advisory_xact_lock` on the key's 64-bit hash) taken before
   * the first statement of `work`, in its message with the transaction's start and binding. It is held until the
   * transaction ends, and every statement of `work` reads with a snapshot taken after it was granted,
   * so `work` sees all that earlier holders committed.
   */
  lock?: string;
}

/** The advisory locks each open unit of work took when it started, by its query runner. */
const heldLocks = new WeakMap<object, Set<string>>();

/** The statements each open unit of work sends in the message of its commit, by its query runner. */
const withCommit = new WeakMap<object, Statement[]>();

/** Sends statements ahead of a query in one message on a unit's connection (with the unit's start, when nothing went before). */
type Pipeline = (ahead: readonly Statement[], text: string, values: readonly unknown[]) => Promise<QueryResult>;

/** The pipeline of each open unit of work, by its query runner. */
const pipelines = new WeakMap<object, Pipeline>();

/**
 * Runs `text` with `values` in the unit of work of `manager` behind the statements `ahead`, in one
 * message: one round trip for all of them (with the unit's start, when it is the unit's first). Each still runs as a statement of its own, with a
 * snapshot taken as it starts, so a statement behind a lock reads what the lock's earlier holders
 * committed. An error of a statement ahead is the query's, and the rest are skipped. Outside an open
 * tenant unit of work (`TenantDatabase.run`) the statements run one after the other.
 */
export async function queryAfter<T = Record<string, unknown>>(
  manager: EntityManager,
  ahead: readonly Statement[],
  text: string,
  values: readonly unknown[],
): Promise<T[]> {
  const pipeline = manager.queryRunner === undefined ? undefined : pipelines.get(manager.queryRunner);
  if (pipeline === undefined) {
    for (const statement of ahead) await manager.query(statement.text, [...statement.values]);
    return manager.query(text, [...values]);
  }
  // Sent past TypeORM, which counts the statements it runs: counted here.
  RequestContext.countQuery(ahead.length + 1);
  return (await pipeline(ahead, text, values)).rows as T[];
}

/**
 * Has `statement` run last in the unit of work of `manager`, in the same message as its commit (one
 * round trip for both): for a write nothing in the unit reads back, such as an outbox entry. Its
 * error is the unit's, and then nothing of the unit commits. Returns false, having sent nothing, when
 * `manager` is not in an open tenant unit of work (`TenantDatabase.run`): the caller runs it itself.
 */
export function runWithCommit(manager: EntityManager, statement: Statement): boolean {
  const pending = manager.queryRunner === undefined ? undefined : withCommit.get(manager.queryRunner);
  if (pending === undefined) return false;
  pending.push(statement);
  return true;
}

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
   * transaction's start, the binding and the lock asked for in `options` go to Postgres in the same
   * message as the first statement of `work` (see `PipelinedQuery`), so a unit of one statement costs
   * two round trips (it and the commit), not three. Statements given to `runWithCommit` go in the
   * commit's message; a unit with nothing else to run sends its start, them and its commit as one. A
   * unit that runs no statement opens no transaction.
   */
  async run<T>(work: (manager: EntityManager) => Promise<T>, tenantId: string = RequestContext.tenantId, options: TenantUnitOptions = {}): Promise<T> {
    if (!tenantId) throw new TenantContextMissingError();
    const { lock } = options;
    const start: Statement[] = [
      { text: 'start transaction', values: [] },
      this.binding(tenantId),
      ...(lock === undefined ? [] : [{ text: LOCK, values: [lock] }]),
    ];
    const runner = this.dataSource.createQueryRunner();
    let started: Promise<unknown> | undefined;
    let unsent = (): void => undefined;
    try {
      const client = (await runner.connect()) as ClientBase;
      unsent = sendAheadOfFirst(client, start, (sent) => (started = sent));
      // Marked open as TypeORM's own transaction marks it, so nothing run through the manager opens another.
      Object.assign(runner, { isTransactionActive: true });
      if (lock !== undefined) heldLocks.set(runner, new Set([lock]));
      const pipeline: Pipeline = async (ahead, text, values) => {
        if (started === undefined) {
          // Nothing sent yet: the start goes in this message too.
          unsent();
          const outcome = queryBehind(client.query.bind(client), [...start, ...ahead], text, values);
          started = outcome;
          return outcome;
        }
        await started;
        return queryBehind(client.query.bind(client), ahead, text, values);
      };
      const last: Statement[] = [];
      withCommit.set(runner, last);
      pipelines.set(runner, pipeline);
      const result = await work(runner.manager);
      withCommit.delete(runner);
      if (last.length > 0) {
        // Sent past TypeORM, which counts the statements it runs: the queued ones and the commit are counted here.
        RequestContext.countQuery(last.length + 1);
        await pipeline(last, 'commit', []);
      } else if (started) {
        await started;
        await runner.query('commit');
      }
      return result;
    } catch (error) {
      if (started) await runner.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      // A unit that ran no statement leaves the pooled connection as it found it.
      unsent();
      Object.assign(runner, { isTransactionActive: false });
      heldLocks.delete(runner);
      withCommit.delete(runner);
      pipelines.delete(runner);
      await runner.release();
    }
  }

  /**
   * Runs `work`, which reads with exactly one statement that has parameters (a list, a lookup), bound
   * to the tenant of the current context (or the one given), in a single round trip: the binding goes
   * in the statement's own message, and both run in the one implicit transaction Postgres gives a
   * message (the binding ends with it, so the pooled connection keeps nothing). A second statement,
   * or one without parameters, is refused: use `run`.
   */
  async read<T>(work: (manager: EntityManager) => Promise<T>, tenantId: string = RequestContext.tenantId): Promise<T> {
    if (!tenantId) throw new TenantContextMissingError();
    const runner = this.dataSource.createQueryRunner();
    try {
      const client = (await runner.connect()) as ClientBase;
      const binding = this.binding(tenantId);
      let statements = 0;
      const restore = interceptQueries(client, (own, text, values) => {
        statements++;
        if (statements > 1) return Promise.reject(new Error('A tenant read runs one statement; use TenantDatabase.run for more'));
        if (typeof text !== 'string' || !Array.isArray(values) || values.length === 0) {
          return Promise.reject(new Error('A tenant read runs a statement with parameters; use TenantDatabase.run'));
        }
        return queryBehind(own as ClientBase['query'], [binding], text, values);
      });
      try {
        return await work(runner.manager);
      } finally {
        restore();
      }
    } finally {
      await runner.release();
    }
  }

  /** The statement binding a unit of work to its tenant and to the business time of the process's clock. */
  private binding(tenantId: string): Statement {
    return { text: `select set_config('app.tenant_id', $1, true), set_config('app.now', $2, true)`, values: [tenantId, this.clock.now().toISOString()] };
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
