import type { DomainEvent, SupplierEventData } from '@assay/shared/contracts';
import { isUuid } from '@assay/shared/database';
import { OnEvent } from '@assay/shared/queue';
import { Injectable } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { SupplierDirectoryService } from './supplier-directory.service';

function supplierData(event: DomainEvent): SupplierEventData {
  const data = event.data as Partial<SupplierEventData>;
  const valid =
    isUuid(data.supplierId) &&
    typeof data.name === 'string' &&
    data.name.length > 0 &&
    data.name.length <= 300 &&
    (data.status === 'active' || data.status === 'offboarded') &&
    (data.ownerUserId === undefined || data.ownerUserId === null || isUuid(data.ownerUserId));
  // A malformed event never becomes valid on retry.
  if (!valid) throw new UnrecoverableError(`event ${event.id} (${event.type}) does not carry a valid supplier`);
  return data as SupplierEventData;
}

/** Keeps the supplier projection from the assessments service's supplier events. */
@Injectable()
export class SupplierDirectoryListener {
  constructor(private readonly suppliers: SupplierDirectoryService) {}

  @OnEvent({ types: ['supplier.created', 'supplier.updated', 'supplier.offboarded'], name: 'evidence.suppliers' })
  async onSupplierEvent(event: DomainEvent): Promise<void> {
    const data = supplierData(event);
    const status = event.type === 'supplier.offboarded' ? 'offboarded' : data.status;
    await this.suppliers.record(event.tenantId, { id: data.supplierId, name: data.name, status, ownerUserId: data.ownerUserId ?? null }, event.timestamp);
  }
}
