import type { Role, TenantSettings } from '@assay/shared/contracts';
import { TenantDatabase } from '@assay/shared/database';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
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

  // Reads in the caller's transaction, kept for the assessment use cases that still read the
  // directory through this service; new code reads through `TenantDirectoryRepository`.

  isMember(m: EntityManager, tenantId: string, userId: string): Promise<boolean> {
    return this.repository.isMember(m, tenantId, userId);
  }

  tenantName(m: EntityManager, tenantId: string): Promise<string | null> {
    return this.repository.tenantName(m, tenantId);
  }

  settings(m: EntityManager, tenantId: string): Promise<TenantSettings> {
    return this.repository.settings(m, tenantId);
  }
}
