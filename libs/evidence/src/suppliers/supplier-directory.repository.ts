import { ProjectionById } from '@assay/shared/database';
import { Injectable } from '@nestjs/common';

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
export class SupplierDirectoryRepository extends ProjectionById<SupplierRow, typeof COLUMNS> {
  constructor() {
    super(['evidence', 'suppliers'], COLUMNS);
  }
}
