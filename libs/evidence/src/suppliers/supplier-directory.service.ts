import { TenantDatabase } from '@assay/shared/database';
import { Injectable } from '@nestjs/common';
import { KnownSupplier, SupplierDirectoryRepository } from './supplier-directory.repository';

/** The evidence service's projection of the tenant's suppliers (names for events, who may receive evidence). */
@Injectable()
export class SupplierDirectoryService {
  constructor(
    private readonly database: TenantDatabase,
    private readonly suppliers: SupplierDirectoryRepository,
  ) {}

  /** Applies a supplier's state as of `eventAt` (an older event never overwrites a newer one). */
  record(tenantId: string, supplier: KnownSupplier, eventAt: string): Promise<void> {
    return this.database.run((manager) => this.suppliers.upsert(manager, tenantId, supplier, eventAt), tenantId);
  }
}
