import type { Role, TenantSettings } from '@assay/shared/contracts';
import { withDefaultSettings } from '@assay/shared/contracts';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/**
 * This service's projection of tenants (name, settings) and their members, kept from tenancy's
 * events. Writes carry the event time and only apply when not older than what is stored, so events
 * replayed or delivered out of order never roll newer facts back.
 */
@Injectable()
export class TenantDirectoryRepository {
  /** `settings` null keeps the stored settings. */
  async upsertTenant(m: EntityManager, tenantId: string, name: string, settings: object | null, eventAt: string): Promise<void> {
    await m.query(
      `insert into assessments.tenants (tenant_id, id, name, settings, event_at) values ($1, $1, $2, $3, $4)
       on conflict (tenant_id, id) do update set name = excluded.name, settings = coalesce(excluded.settings, assessments.tenants.settings),
         event_at = excluded.event_at, updated_at = app.now()
       where assessments.tenants.event_at <= excluded.event_at`,
      [tenantId, name, settings === null ? null : JSON.stringify(settings), eventAt],
    );
  }

  /** A removed member keeps the role they last had. */
  async upsertMember(m: EntityManager, tenantId: string, member: { userId: string; role: Role; removed: boolean }, eventAt: string): Promise<void> {
    await m.query(
      `insert into assessments.members (tenant_id, id, role, removed, event_at) values ($1, $2, $3, $4, $5)
       on conflict (tenant_id, id) do update set role = case when excluded.removed then assessments.members.role else excluded.role end, removed = excluded.removed, event_at = excluded.event_at
       where assessments.members.event_at <= excluded.event_at`,
      [tenantId, member.userId, member.role, member.removed, eventAt],
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
