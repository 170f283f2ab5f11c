import { DEFAULT_REMINDER_POLICY, ReminderPolicy, Role, TenantSettings, withDefaultSettings } from '@assay/shared/contracts';
import { writeProjection } from '@assay/shared/database';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface DirectoryMember {
  userId: string;
  email: string;
  name: string;
  role: Role;
}

const ADMIN_ROLES: Role[] = ['owner', 'admin'];

/**
 * This service's projection of tenants and their members, kept from tenancy's events. Every write
 * carries the event time and only applies when it is not older than what is stored, so events
 * replayed or delivered out of order never roll a projection back.
 */
@Injectable()
export class DirectoryRepository {
  /** Returns whether the reminder policy changed. */
  async upsertTenant(manager: EntityManager, tenantId: string, name: string, settings: Partial<TenantSettings>, eventAt: string): Promise<boolean> {
    const policy = withDefaultSettings(settings).reminderPolicy;
    const [before]: { reminder_policy: ReminderPolicy }[] = await manager.query(
      `select reminder_policy from notifications.tenants where tenant_id = $1 and id = $1`,
      [tenantId],
    );
    const applied = await writeProjection(manager, {
      table: ['notifications', 'tenants'],
      key: ['tenant_id', 'id'],
      values: { tenant_id: tenantId, id: tenantId, name, reminder_policy: JSON.stringify(policy) },
      eventAt,
    });
    return applied && JSON.stringify(before?.reminder_policy ?? null) !== JSON.stringify(policy);
  }

  async upsertMember(manager: EntityManager, tenantId: string, member: DirectoryMember, eventAt: string): Promise<void> {
    await writeProjection(manager, {
      table: ['notifications', 'members'],
      key: ['tenant_id', 'id'],
      values: { tenant_id: tenantId, id: member.userId, email: member.email, name: member.name, role: member.role, removed: false },
      eventAt,
    });
  }

  async removeMember(manager: EntityManager, tenantId: string, userId: string, eventAt: string): Promise<void> {
    // A member first heard of by their removal gets a placeholder row; a known one keeps what it had.
    await writeProjection(manager, {
      table: ['notifications', 'members'],
      key: ['tenant_id', 'id'],
      values: { tenant_id: tenantId, id: userId, email: '', name: '', role: 'viewer', removed: true },
      merge: { email: 'current.email', name: 'current.name', role: 'current.role' },
      eventAt,
    });
  }

  async tenantName(manager: EntityManager, tenantId: string): Promise<string | null> {
    const [row]: { name: string }[] = await manager.query(`select name from notifications.tenants where tenant_id = $1 and id = $1`, [tenantId]);
    return row?.name ?? null;
  }

  async reminderPolicy(manager: EntityManager, tenantId: string): Promise<ReminderPolicy> {
    const [row]: { reminder_policy: ReminderPolicy }[] = await manager.query(
      `select reminder_policy from notifications.tenants where tenant_id = $1 and id = $1`,
      [tenantId],
    );
    return row
      ? withDefaultSettings({ reminderPolicy: row.reminder_policy }).reminderPolicy
      : { ...DEFAULT_REMINDER_POLICY, beforeDueDays: [...DEFAULT_REMINDER_POLICY.beforeDueDays] };
  }

  /** Current members; every one of them gets feed items. */
  async activeMembers(manager: EntityManager, tenantId: string): Promise<DirectoryMember[]> {
    const rows: { id: string; email: string; name: string; role: Role }[] = await manager.query(
      `select id, email, name, role from notifications.members where tenant_id = $1 and not removed order by id`,
      [tenantId],
    );
    return rows.map((row) => ({ userId: row.id, email: row.email, name: row.name, role: row.role }));
  }

  /** Owners and admins: they hear about endpoints being disabled and stand in for an unknown supplier owner. */
  async admins(manager: EntityManager, tenantId: string): Promise<DirectoryMember[]> {
    return (await this.activeMembers(manager, tenantId)).filter((member) => ADMIN_ROLES.includes(member.role));
  }

  /** The given users that are current members. */
  async membersByIds(manager: EntityManager, tenantId: string, userIds: string[]): Promise<Map<string, DirectoryMember>> {
    if (userIds.length === 0) return new Map();
    const rows: { id: string; email: string; name: string; role: Role }[] = await manager.query(
      `select id, email, name, role from notifications.members where tenant_id = $1 and id = any($2::uuid[]) and not removed`,
      [tenantId, userIds],
    );
    return new Map(rows.map((row) => [row.id, { userId: row.id, email: row.email, name: row.name, role: row.role }]));
  }
}
