import type { TenantSettings } from '@assay/shared/contracts';
import { TenantDatabase } from '@assay/shared/database';
import { Injectable } from '@nestjs/common';
import { ReminderSchedulesRepository } from '../reminders/reminder-schedules.repository';
import { DirectoryMember, DirectoryRepository } from './directory.repository';

/** The tenant and member projections (names, reminder policy, who to tell), kept from tenancy's events. */
@Injectable()
export class DirectoryService {
  constructor(
    private readonly database: TenantDatabase,
    private readonly directory: DirectoryRepository,
    private readonly schedules: ReminderSchedulesRepository,
  ) {}

  /** The tenant's name and settings as of `eventAt`; a changed reminder policy re-plans its open schedules at the next tick. */
  async recordTenant(tenantId: string, name: string, settings: Partial<TenantSettings>, eventAt: string): Promise<void> {
    await this.database.run(async (manager) => {
      const policyChanged = await this.directory.upsertTenant(manager, tenantId, name, settings, eventAt);
      if (policyChanged) await this.schedules.replanAll(manager, tenantId);
    }, tenantId);
  }

  recordMember(tenantId: string, member: DirectoryMember, eventAt: string): Promise<void> {
    return this.database.run((manager) => this.directory.upsertMember(manager, tenantId, member, eventAt), tenantId);
  }

  removeMember(tenantId: string, userId: string, eventAt: string): Promise<void> {
    return this.database.run((manager) => this.directory.removeMember(manager, tenantId, userId, eventAt), tenantId);
  }
}
