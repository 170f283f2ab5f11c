import type { Role, TenantSettings } from '@assay/shared/contracts';
import { withDefaultSettings } from '@assay/shared/contracts';
import { writeProjection } from '@assay/shared/database';
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
    await writeProjection(m, {
      table: ['assessments', 'tenants'],
      key: ['tenant_id', 'id'],
      values: { tenant_id: tenantId, id: tenantId, name, settings: settings === null ? null : JSON.stringify(settings) },
      merge: { settings: 'coalesce(excluded.settings, current.settings)' },
      eventAt,
    });
  }

  /** A removed member keeps the role they last had. */
  async upsertMember(m: EntityManager, tenantId: string, member: { userId: string; role: Role; removed: boolean }, eventAt: string): Promise<void> {
    await writeProjection(m, {
      table: ['assessments', 'members'],
      key: ['tenant_id', 'id'],
      values: { tenant_id: tenantId, id: member.userId, role: member.role, removed: member.removed },
      merge: { role: 'case when excluded.removed then current.role else excluded.role end' },
      eventAt,
      stamped: false,
    });
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
