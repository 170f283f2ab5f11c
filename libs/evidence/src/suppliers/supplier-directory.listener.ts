import type { DomainEvent } from '@assay/shared/contracts';
import { OnEvent } from '@assay/shared/queue';
import { Injectable } from '@nestjs/common';
import { SupplierDirectoryService } from './supplier-directory.service';

/** Keeps the supplier projection from the assessments service's supplier events. */
@Injectable()
export class SupplierDirectoryListener {
  constructor(private readonly suppliers: SupplierDirectoryService) {}

  @OnEvent({ types: ['supplier.created', 'supplier.updated', 'supplier.offboarded'], name: 'evidence.suppliers' })
  async onSupplierEvent(event: DomainEvent<'supplier.created' | 'supplier.updated' | 'supplier.offboarded'>): Promise<void> {
    const data = event.data;
    const status = event.type === 'supplier.offboarded' ? 'offboarded' : data.status;
    await this.suppliers.record(event.tenantId, { id: data.supplierId, name: data.name, status, ownerUserId: data.ownerUserId ?? null }, event.timestamp);
  }
}
