import type { DomainEvent } from '@assay/shared/contracts';
import { TenantDatabase } from '@assay/shared/database';
import { OnEvent } from '@assay/shared/queue';
import { Injectable } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { eventData } from '../events/event-validation';
import { ReminderSchedulesRepository } from '../reminders/reminder-schedules.repository';
import { DirectoryRepository } from './directory.repository';

/** Keeps the tenant and member projections from tenancy's internal events. */
@Injectable()
export class DirectoryListener {
  constructor(
    private readonly database: TenantDatabase,
    private readonly directory: DirectoryRepository,
    private readonly schedules: ReminderSchedulesRepository,
  ) {}

  @OnEvent({ types: ['tenant.created', 'tenant.updated', 'member.joined', 'member.updated', 'member.removed'], name: 'notifications.directory' })
  async onDirectoryEvent(event: DomainEvent): Promise<void> {
    if (event.type === 'tenant.created' || event.type === 'tenant.updated') {
      const data = eventData(event, 'tenant');
      if (data.tenantId !== event.tenantId) throw new UnrecoverableError(`tenant event ${event.id} names another tenant in its data`);
      await this.database.run(async (manager) => {
        const policyChanged = await this.directory.upsertTenant(manager, event.tenantId, data.name, data.settings, event.timestamp);
        // Open schedules are re-planned under the new policy at the next tick.
        if (policyChanged) await this.schedules.replanAll(manager, event.tenantId);
      }, event.tenantId);
    } else if (event.type === 'member.removed') {
      const data = eventData(event, 'memberRemoved');
      await this.database.run((manager) => this.directory.removeMember(manager, event.tenantId, data.userId, event.timestamp), event.tenantId);
    } else {
      const data = eventData(event, 'member');
      await this.database.run(
        (manager) =>
          this.directory.upsertMember(manager, event.tenantId, { userId: data.userId, email: data.email, name: data.name, role: data.role }, event.timestamp),
        event.tenantId,
      );
    }
  }
}
