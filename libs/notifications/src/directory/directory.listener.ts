import type { DomainEvent } from '@assay/shared/contracts';
import { OnEvent } from '@assay/shared/queue';
import { Injectable } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { DirectoryService } from './directory.service';

/** Keeps the tenant and member projections from tenancy's internal events. */
@Injectable()
export class DirectoryListener {
  constructor(private readonly directory: DirectoryService) {}

  @OnEvent({ types: ['tenant.created', 'tenant.updated', 'member.joined', 'member.updated', 'member.removed'], name: 'notifications.directory' })
  async onDirectoryEvent(event: DomainEvent<'tenant.created' | 'tenant.updated' | 'member.joined' | 'member.updated' | 'member.removed'>): Promise<void> {
    if (event.type === 'tenant.created' || event.type === 'tenant.updated') {
      const data = event.data;
      if (data.tenantId !== event.tenantId) throw new UnrecoverableError(`tenant event ${event.id} names another tenant in its data`);
      await this.directory.recordTenant(event.tenantId, data.name, data.settings, event.timestamp);
    } else if (event.type === 'member.removed') {
      const data = event.data;
      await this.directory.removeMember(event.tenantId, data.userId, event.timestamp);
    } else {
      const data = event.data;
      await this.directory.recordMember(event.tenantId, { userId: data.userId, email: data.email, name: data.name, role: data.role }, event.timestamp);
    }
  }
}
