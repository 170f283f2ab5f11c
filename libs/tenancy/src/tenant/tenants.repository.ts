import { TenantSettings } from '@assay/shared/contracts';
import { updateReturning } from '@assay/shared/database';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface TenantRow {
  id: string;
  name: string;
  settings: Partial<TenantSettings>;
  created_at: Date;
  updated_at: Date;
}

/** `tenancy.tenants`: each organisation's name and settings (its row's id is the tenant id). */
@Injectable()
export class TenantsRepository {
  async insert(manager: EntityManager, tenantId: string, name: string, settings: TenantSettings): Promise<void> {
    await manager.query(`insert into tenancy.tenants (tenant_id, id, name, settings) values ($1, $1, $2, $3)`, [tenantId, name, JSON.stringify(settings)]);
  }

  async find(manager: EntityManager, tenantId: string): Promise<TenantRow | null> {
    const [row]: TenantRow[] = await manager.query(`select * from tenancy.tenants where tenant_id = $1 and id = $1`, [tenantId]);
    return row ?? null;
  }

  /** The row, locked until the transaction ends. */
  async lock(manager: EntityManager, tenantId: string): Promise<TenantRow | null> {
    const [row]: TenantRow[] = await manager.query(`select * from tenancy.tenants where tenant_id = $1 and id = $1 for update`, [tenantId]);
    return row ?? null;
  }

  async update(manager: EntityManager, tenantId: string, name: string, settings: TenantSettings): Promise<TenantRow> {
    const [updated] = await updateReturning<TenantRow>(
      manager,
      `update tenancy.tenants set name = $2, settings = $3, updated_at = app.now() where tenant_id = $1 and id = $1 returning *`,
      [tenantId, name, JSON.stringify(settings)],
    );
    return updated as TenantRow;
  }
}
