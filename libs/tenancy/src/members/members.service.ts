import { MemberEventData, MemberRemovedEventData, Role, TenantIdentity, hasPermissions } from '@assay/shared/contracts';
import { TenantDatabase } from '@assay/shared/database';
import { ConflictProblem, NotFoundProblem, Page, ProblemException, decodeCursor, toPage } from '@assay/shared/http';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { SessionStore } from '../identity/session.store';
import { SessionsRepository } from '../identity/sessions.repository';
import { audit, emit } from '../tenancy-writes';
import { MemberRow, MembershipsRepository } from './memberships.repository';

export interface MemberView {
  userId: string;
  email: string;
  name: string;
  role: Role;
  mfaEnabled: boolean;
  joinedAt: string;
}

const memberView = (row: MemberRow): MemberView => ({
  userId: row.user_id,
  email: row.email,
  name: row.name,
  role: row.role,
  mfaEnabled: !!row.totp_enabled_at,
  joinedAt: row.created_at.toISOString(),
});

/** Members of the caller's organisation and their roles. */
@Injectable()
export class MembersService {
  constructor(
    private readonly database: TenantDatabase,
    private readonly sessions: SessionStore,
    private readonly memberships: MembershipsRepository,
    private readonly sessionRecords: SessionsRepository,
  ) {}

  async list(tenantId: string, limit: number, cursor?: string): Promise<Page<MemberView>> {
    // User ids are UUIDv7 (time-ordered): keyset pagination on a unique key the member view carries.
    const after = decodeCursor(cursor, ['uuid'])?.[0];
    const rows = await this.database.run((m) => this.memberships.list(m, tenantId, typeof after === 'string' ? after : null, limit + 1), tenantId);
    const page = toPage(rows, limit, (row) => [row.user_id]);
    return { data: page.data.map(memberView), nextCursor: page.nextCursor };
  }

  private async lockedMember(m: EntityManager, tenantId: string, userId: string): Promise<MemberRow> {
    const row = await this.memberships.lock(m, tenantId, userId);
    if (!row) throw new NotFoundProblem('Member');
    return row;
  }

  /** Owners are changed only by owners, and an organisation always keeps at least one owner. */
  private async guardOwnership(m: EntityManager, identity: TenantIdentity, member: MemberRow, newRole: Role | null): Promise<void> {
    const touchesOwner = member.role === 'owner' || newRole === 'owner';
    if (touchesOwner && !hasPermissions(identity, ['owners:manage'])) throw new ProblemException(403, 'Only an owner can add or remove owners');
    if (member.role === 'owner' && newRole !== 'owner') {
      // Lock every owner row so two concurrent demotions cannot both see "another owner remains".
      if ((await this.memberships.lockOwners(m, identity.tenantId)) <= 1)
        throw new ConflictProblem('An organisation must keep at least one owner; make someone else an owner first');
    }
  }

  async changeRole(identity: TenantIdentity, userId: string, role: Role): Promise<MemberView> {
    const { tenantId } = identity;
    const { view, revoked } = await this.database.run(async (m) => {
      const member = await this.lockedMember(m, tenantId, userId);
      if (member.role === role) return { view: memberView(member), revoked: [] as string[] };
      await this.guardOwnership(m, identity, member, role);
      await this.memberships.setRole(m, tenantId, userId, role);
      // Tokens carry the role: end the member's sessions here so the new role applies at once.
      const revoked = await this.sessionRecords.revoke(m, tenantId, { userId }, 'role_changed');
      await audit(m, tenantId, { action: 'member.role_changed', targetType: 'member', targetId: userId, changes: { role: { from: member.role, to: role } } });
      await emit(m, tenantId, 'member.updated', { userId, email: member.email, name: member.name, role } satisfies MemberEventData);
      return { view: memberView({ ...member, role }), revoked };
    }, tenantId);
    await this.sessions.publish(revoked);
    return view;
  }

  async remove(identity: TenantIdentity, userId: string): Promise<void> {
    const { tenantId } = identity;
    const revoked = await this.database.run(async (m) => {
      const member = await this.lockedMember(m, tenantId, userId);
      await this.guardOwnership(m, identity, member, null);
      await this.memberships.remove(m, tenantId, userId);
      const revoked = await this.sessionRecords.revoke(m, tenantId, { userId }, 'membership_ended');
      await audit(m, tenantId, { action: 'member.removed', targetType: 'member', targetId: userId, changes: { role: member.role, email: member.email } });
      await emit(m, tenantId, 'member.removed', { userId } satisfies MemberRemovedEventData);
      return revoked;
    }, tenantId);
    await this.sessions.publish(revoked);
  }
}
