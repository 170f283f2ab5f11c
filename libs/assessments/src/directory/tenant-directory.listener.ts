import type { DomainEvent } from '@assay/shared/contracts';
import { OnEvent } from '@assay/shared/queue';
import { Injectable, Logger } from '@nestjs/common';
import { TenantDirectory } from './tenant-directory';

/** Keeps the tenant directory from tenancy's internal events; a payload that does not match is skipped. */
@Injectable()
export class TenantDirectoryListener {
  private readonly logger = new Logger(TenantDirectoryListener.name);

  constructor(private readonly directory: TenantDirectory) {}

  @OnEvent({ types: ['tenant.created', 'tenant.updated'], name: 'assessments.directory' })
  async onTenantEvent(event: DomainEvent<'tenant.created' | 'tenant.updated'>): Promise<void> {
    const data = event.data;
    if (data.tenantId !== event.tenantId) {
      // The bus checked the shape; an event naming another tenant in its data can never succeed: given up, not retried.
      this.logger.warn(`skipping ${event.type} ${event.id}: its data names another tenant`);
      return;
    }
    await this.directory.recordTenant(event.tenantId, data.name, data.settings, event.timestamp);
  }

  @OnEvent({ types: ['member.joined', 'member.updated', 'member.removed'], name: 'assessments.members' })
  async onMemberEvent(event: DomainEvent<'member.joined' | 'member.updated' | 'member.removed'>): Promise<void> {
    if (event.type === 'member.removed') {
      await this.directory.recordMember(event.tenantId, { userId: event.data.userId, role: 'viewer', removed: true }, event.timestamp);
    } else {
      await this.directory.recordMember(event.tenantId, { userId: event.data.userId, role: event.data.role, removed: false }, event.timestamp);
    }
  }
}
