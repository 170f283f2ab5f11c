import type { DomainEvent, MemberEventData, TenantEventData, TenantSettings } from '@assay/shared/contracts';
import { withDefaultSettings } from '@assay/shared/contracts';
import { TenantDatabase } from '@assay/shared/database';
import { OnEvent } from '@assay/shared/queue';
import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

const ROLES = new Set(['owner', 'admin', 'assessor', 'viewer']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * This service's projection of tenants: the name the supplier portal shows and the settings that drive
 * reassessment (cadence by tier, lead time, auto-send), and the organisation's members (a supplier's
 * internal owner must be one), kept from tenancy's internal events. Writes carry the event time and
 * never roll newer facts back.
 */
@Injectable()
export class TenantDirectory {
  private readonly logger = new Logger(TenantDirectory.name);

  constructor(private readonly database: TenantDatabase) {}

  @OnEvent({ types: ['tenant.created', 'tenant.updated'], name: 'assessments.directory' })
  async onTenantEvent(event: DomainEvent): Promise<void> {
    const data = event.data as Partial<TenantEventData>;
    if (data.tenantId !== event.tenantId || typeof data.name !== 'string' || data.name.length === 0 || data.name.length > 300) {
      // A payload that does not match can never succeed: given up, not retried.
      this.logger.warn(`skipping malformed ${event.type} ${event.id}`);
      return;
    }
    const name = data.name;
    const settings = data.settings && typeof data.settings === 'object' && !Array.isArray(data.settings) ? data.settings : null;
    await this.database.run(
      (m) =>
        m.query(
          `insert into assessments.tenants (tenant_id, id, name, settings, event_at) values ($1, $1, $2, $3, $4)
           on conflict (tenant_id, id) do update set name = excluded.name, settings = coalesce(excluded.settings, assessments.tenants.settings),
             event_at = excluded.event_at, updated_at = now()
           where assessments.tenants.event_at <= excluded.event_at`,
          [event.tenantId, name, settings === null ? null : JSON.stringify(settings), event.timestamp],
        ),
      event.tenantId,
    );
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
    await this.database.run(
      (m) =>
        m.query(
          `insert into assessments.members (tenant_id, id, role, removed, event_at) values ($1, $2, $3, $4, $5)
           on conflict (tenant_id, id) do update set role = case when excluded.removed then assessments.members.role else excluded.role end, removed = excluded.removed, event_at = excluded.event_at
           where assessments.members.event_at <= excluded.event_at`,
          [event.tenantId, data.userId, removed ? 'viewer' : data.role, removed, event.timestamp],
        ),
      event.tenantId,
    );
  }

  /** Whether a user is a current member of the organisation, as far as tenancy's events have told. */
  async isMember(m: EntityManager, tenantId: string, userId: string): Promise<boolean> {
    const rows: unknown[] = await m.query(`select 1 from assessments.members where tenant_id = $1 and id = $2 and not removed`, [tenantId, userId]);
    return rows.length > 0;
  }

  async tenantName(m: EntityManager, tenantId: string): Promise<string | null> {
    const [row]: { name: string }[] = await m.query(`select name from assessments.tenants where tenant_id = $1 and id = $1`, [tenantId]);
    return row?.name ?? null;
  }

  /** The tenant's settings over the defaults (the defaults until tenancy's event has arrived). */
  async settings(m: EntityManager, tenantId: string): Promise<TenantSettings> {
    const [row]: { settings: Partial<TenantSettings> | null }[] = await m.query(`select settings from assessments.tenants where tenant_id = $1 and id = $1`, [
      tenantId,
    ]);
    return withDefaultSettings(row?.settings);
  }
}
