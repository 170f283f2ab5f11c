import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface KnownSupplier {
  id: string;
  name: string;
  status: 'active' | 'offboarded';
  ownerUserId: string | null;
}

/**
 * This service's projection of the tenant's suppliers, kept from the assessments service's events.
 * A write applies only when its event is not older than what is stored, so replays and events
 * delivered out of order never roll the projection back.
 */
@Injectable()
export class SupplierDirectoryRepository {
  async upsert(manager: EntityManager, tenantId: string, supplier: KnownSupplier, eventAt: string): Promise<void> {
    await manager.query(
      `insert into evidence.suppliers (tenant_id, id, name, status, owner_user_id, event_at) values ($1, $2, $3, $4, $5, $6)
       on conflict (tenant_id, id) do update set name = excluded.name, status = excluded.status, owner_user_id = excluded.owner_user_id,
         event_at = excluded.event_at, updated_at = app.now()
       where evidence.suppliers.event_at <= excluded.event_at`,
      [tenantId, supplier.id, supplier.name, supplier.status, supplier.ownerUserId, eventAt],
    );
  }

  async find(manager: EntityManager, tenantId: string, supplierId: string): Promise<KnownSupplier | null> {
    const [row]: { id: string; name: string; status: 'active' | 'offboarded'; owner_user_id: string | null }[] = await manager.query(
      `select id, name, status, owner_user_id from evidence.suppliers where tenant_id = $1 and id = $2`,
      [tenantId, supplierId],
    );
    return row ? { id: row.id, name: row.name, status: row.status, ownerUserId: row.owner_user_id } : null;
  }
}
