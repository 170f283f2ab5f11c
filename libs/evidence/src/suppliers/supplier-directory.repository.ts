import { mapColumns, writeProjection } from '@assay/shared/database';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface KnownSupplier {
  id: string;
  name: string;
  status: 'active' | 'offboarded';
  ownerUserId: string | null;
}

interface SupplierRow {
  id: string;
  name: string;
  status: 'active' | 'offboarded';
  owner_user_id: string | null;
}

const COLUMNS = 'id, name, status, owner_user_id';

/**
 * This service's projection of the tenant's suppliers, kept from the assessments service's events.
 * A write applies only when its event is not older than what is stored, so replays and events
 * delivered out of order never roll the projection back.
 */
@Injectable()
export class SupplierDirectoryRepository {
  async upsert(manager: EntityManager, tenantId: string, supplier: KnownSupplier, eventAt: string): Promise<void> {
    await writeProjection(manager, {
      table: ['evidence', 'suppliers'],
      key: ['tenant_id', 'id'],
      values: { tenant_id: tenantId, id: supplier.id, name: supplier.name, status: supplier.status, owner_user_id: supplier.ownerUserId },
      eventAt,
    });
  }

  async find(manager: EntityManager, tenantId: string, supplierId: string): Promise<KnownSupplier | null> {
    const [row]: SupplierRow[] = await manager.query(`select ${COLUMNS} from evidence.suppliers where tenant_id = $1 and id = $2`, [tenantId, supplierId]);
    return row ? mapColumns(row, COLUMNS) : null;
  }
}
