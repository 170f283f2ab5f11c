import { Role, TenantSettings } from '@assay/shared/contracts';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** A member of a tenant with the account details shown for them. */
export interface MemberRow {
  id: string;
  user_id: string;
  role: Role;
  created_at: Date;
  email: string;
  name: string;
  totp_enabled_at: Date | null;
}

/** One tenant a user belongs to, with the tenant's name and settings. */
export interface MembershipRow {
  tenant_id: string;
  role: Role;
  name: string;
  settings: Partial<TenantSettings>;
}

const MEMBER_COLUMNS = `m.id, m.user_id, m.role, m.created_at, u.email, u.name, u.totp_enabled_at`;

/** `tenancy.memberships`: who belongs to which tenant, in which role. */
@Injectable()
export class MembershipsRepository {
  /** Every tenant of the user, oldest membership first: across tenants, so only as the system role. */
  async ofUser(manager: EntityManager, userId: string): Promise<MembershipRow[]> {
    return manager.query(
      `select m.tenant_id, m.role, t.name, t.settings from tenancy.memberships m join tenancy.tenants t on t.tenant_id = m.tenant_id
        where m.user_id = $1 order by m.created_at, m.tenant_id`,
      [userId],
    );
  }

  /** Adds the user to the tenant; false when they already belong to it. */
  async add(manager: EntityManager, tenantId: string, id: string, userId: string, role: Role): Promise<boolean> {
    const inserted: unknown[] = await manager.query(
      `insert into tenancy.memberships (tenant_id, id, user_id, role) values ($1, $2, $3, $4) on conflict (tenant_id, user_id) do nothing returning id`,
      [tenantId, id, userId, role],
    );
    return inserted.length > 0;
  }

  async roleOf(manager: EntityManager, tenantId: string, userId: string): Promise<Role | null> {
    const [membership]: { role: Role }[] = await manager.query(`select role from tenancy.memberships where tenant_id = $1 and user_id = $2`, [
      tenantId,
      userId,
    ]);
    return membership?.role ?? null;
  }

  /** Members ordered by user id (UUIDv7, so joining order), after the cursor's user id. */
  async list(manager: EntityManager, tenantId: string, afterUserId: string | null, limit: number): Promise<MemberRow[]> {
    return manager.query(
      `select ${MEMBER_COLUMNS}
         from tenancy.memberships m join tenancy.users u on u.id = m.user_id
        where m.tenant_id = $1 and ($2::uuid is null or m.user_id > $2::uuid)
        order by m.user_id limit $3`,
      [tenantId, afterUserId, limit],
    );
  }

  /** The member, their membership locked until the transaction ends. */
  async lock(manager: EntityManager, tenantId: string, userId: string): Promise<MemberRow | null> {
    const [row]: MemberRow[] = await manager.query(
      `select ${MEMBER_COLUMNS}
         from tenancy.memberships m join tenancy.users u on u.id = m.user_id where m.tenant_id = $1 and m.user_id = $2 for update of m`,
      [tenantId, userId],
    );
    return row ?? null;
  }

  /** Locks every owner's membership (so two demotions cannot both see another owner remain); returns how many there are. */
  async lockOwners(manager: EntityManager, tenantId: string): Promise<number> {
    const owners: { user_id: string }[] = await manager.query(`select user_id from tenancy.memberships where tenant_id = $1 and role = 'owner' for update`, [
      tenantId,
    ]);
    return owners.length;
  }

  async setRole(manager: EntityManager, tenantId: string, userId: string, role: Role): Promise<void> {
    await manager.query(`update tenancy.memberships set role = $3, updated_at = app.now() where tenant_id = $1 and user_id = $2`, [tenantId, userId, role]);
  }

  async remove(manager: EntityManager, tenantId: string, userId: string): Promise<void> {
    await manager.query(`delete from tenancy.memberships where tenant_id = $1 and user_id = $2`, [tenantId, userId]);
  }

  async hasMemberWithEmail(manager: EntityManager, tenantId: string, normalisedEmail: string): Promise<boolean> {
    const existing: unknown[] = await manager.query(
      `select 1 from tenancy.memberships ms join tenancy.users u on u.id = ms.user_id where ms.tenant_id = $1 and lower(u.email) = $2`,
      [tenantId, normalisedEmail],
    );
    return existing.length > 0;
  }
}
