import type { DomainEvent, MemberEventData, Role, TenantEventData } from '@assay/shared/contracts';
import { OnEvent } from '@assay/shared/queue';
import { Injectable, Logger } from '@nestjs/common';
import { TenantDirectory } from './tenant-directory';

const ROLES = new Set(['owner', 'admin', 'assessor', 'viewer']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Keeps the tenant directory from tenancy's internal events; a payload that does not match is skipped. */
@Injectable()
export class TenantDirectoryListener {
  private readonly logger = new Logger(TenantDirectoryListener.name);

  constructor(private readonly directory: TenantDirectory) {}

  @OnEvent({ types: ['tenant.created', 'tenant.updated'], name: 'assessments.directory' })
  async onTenantEvent(event: DomainEvent): Promise<void> {
    const data = event.data as Partial<TenantEventData>;
    if (data.tenantId !== event.tenantId || typeof data.name !== 'string' || data.name.length === 0 || data.name.length > 300) {
      // A payload that does not match can never succeed: given up, not retried.
      this.logger.warn(`skipping malformed ${event.type} ${event.id}`);
      return;
    }
    const settings = data.settings && typeof data.settings === 'object' && !Array.isArray(data.settings) ? data.settings : null;
    await this.directory.recordTenant(event.tenantId, data.name, settings, event.timestamp);
  }

  @OnEvent({ types: ['member.joined', 'member.updated', 'member.removed'], name: 'assessments.members' })
  async onMemberEvent(event: DomainEvent): Promise<void> {
    const data = event.data as Partial<MemberEventData>;
    const removed = event.type === 'member.removed';
    if (typeof data.userId !== 'string' || !UUID.test(data.userId) || (!removed && !ROLES.has(String(data.role)))) {
      // A payload that does not match can never succeed: given up, not retried.
      this.logger.warn(`skipping malformed ${event.type} ${event.id}`);
      return;
    }
    await this.directory.recordMember(event.tenantId, { userId: data.userId, role: removed ? 'viewer' : (data.role as Role), removed }, event.timestamp);
  }
}
