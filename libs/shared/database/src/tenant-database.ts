import { RequestContext, TenantContextMissingError } from '@assay/shared/tenancy-context';
import type { DataSource, EntityManager } from 'typeorm';
import { quoteIdent } from './identifiers';

/**
 * Units of work against Postgres. Every tenant unit of work is one transaction whose first statement
 * binds `app.tenant_id`, so row-level security scopes every later statement to that tenant.
 */
export class TenantDatabase {
  constructor(
    readonly dataSource: DataSource,
    private readonly systemRole: string,
  ) {}

  /** Runs `work` in a transaction bound to the tenant of the current context (or the one given). */
  async run<T>(work: (manager: EntityManager) => Promise<T>, tenantId: string = RequestContext.tenantId): Promise<T> {
    if (!tenantId) throw new TenantContextMissingError();
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`select set_config('app.tenant_id', $1, true)`, [tenantId]);
      return work(manager);
    });
  }

  /**
   * Runs cross-tenant system work (outbox relay, scheduler fan-out) as the narrowly-granted system
   * role: it sees only the tables and rows that have a policy for it.
   */
  async runAsSystem<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`set local role ${quoteIdent(this.systemRole)}`);
      return work(manager);
    });
  }

  /** Reads global (non-tenant) data such as the catalogue. */
  async runGlobal<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return work(this.dataSource.manager);
  }
}
