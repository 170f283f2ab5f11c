import type { Role } from '@assay/shared/contracts';
import { TenantDatabase } from '@assay/shared/database';
import { Injectable } from '@nestjs/common';
import { TenantDirectoryRepository } from './tenant-directory.repository';

/**
 * This service's projection of tenants: the name the supplier portal shows and the settings that drive
 * reassessment (cadence by tier, lead time, auto-send), and the organisation's members (a supplier's
 * internal owner must be one), kept from tenancy's internal events. Writes carry the event time and
 * never roll newer facts back.
 */
@Injectable()
export class TenantDirectory {
  constructor(
    private readonly database: TenantDatabase,
    private readonly repository: TenantDirectoryRepository,
  ) {}

  /** `settings` null keeps the settings already known. */
  recordTenant(tenantId: string, name: string, settings: object | null, eventAt: string): Promise<void> {
    return this.database.run((m) => this.repository.upsertTenant(m, tenantId, name, settings, eventAt), tenantId);
  }

  recordMember(tenantId: string, member: { userId: string; role: Role; removed: boolean }, eventAt: string): Promise<void> {
    return this.database.run((m) => this.repository.upsertMember(m, tenantId, member, eventAt), tenantId);
  }
}
