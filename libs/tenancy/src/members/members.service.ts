import { CredentialLinkSealer, generateTenantToken, credentialHash, parseTenantToken } from '@assay/shared/auth';
import { APP_CONFIG, AppConfig } from '@assay/shared/config';
import { Identity, InvitationEventData, MemberEventData, MemberRemovedEventData, Role, TenantSettings, hasPermissions } from '@assay/shared/contracts';
import { TenantDatabase, newId, updateReturning } from '@assay/shared/database';
import { ConflictProblem, NotFoundProblem, Page, ProblemException, decodeCursor, toPage } from '@assay/shared/http';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuthService, invalidPassword, normaliseEmail, publicTokens, UserRow } from '../identity/auth.service';
import { SessionStore } from '../identity/session.store';
import { PasswordHasher } from '../security/password-hasher';
import { passwordProblems } from '../security/password-policy';
import { audit, ClientInfo, emit } from '../tenancy-writes';

export const INVITATION_PREFIX = 'assay_inv_';
const INVITATION_DAYS = 7;

export interface MemberView {
  userId: string;
  email: string;
  name: string;
  role: Role;
  mfaEnabled: boolean;
  joinedAt: string;
}

export interface InvitationView {
  id: string;
  email: string;
  role: Role;
  createdAt: string;
  expiresAt: string;
  status: 'pending' | 'accepted' | 'revoked' | 'expired';
}

interface MemberRow {
  id: string;
  user_id: string;
  role: Role;
  created_at: Date;
  email: string;
  name: string;
  totp_enabled_at: Date | null;
}

interface InvitationRow {
  id: string;
  email: string;
  role: Role;
  created_at: Date;
  expires_at: Date;
  accepted_at: Date | null;
  revoked_at: Date | null;
}

const memberView = (row: MemberRow): MemberView => ({
  userId: row.user_id,
  email: row.email,
  name: row.name,
  role: row.role,
  mfaEnabled: !!row.totp_enabled_at,
  joinedAt: row.created_at.toISOString(),
});

const invitationView = (row: InvitationRow): InvitationView => ({
  id: row.id,
  email: row.email,
  role: row.role,
  createdAt: row.created_at.toISOString(),
  expiresAt: row.expires_at.toISOString(),
  status: row.accepted_at ? 'accepted' : row.revoked_at ? 'revoked' : row.expires_at < new Date() ? 'expired' : 'pending',
});

/** Members of the caller's organisation, their roles, and invitations to join. */
@Injectable()
export class MembersService {
  /** Invitation links travel sealed through the outbox and the queue to the email that carries them. */
  private readonly links: CredentialLinkSealer;

  constructor(
    private readonly database: TenantDatabase,
    private readonly sessions: SessionStore,
    private readonly hasher: PasswordHasher,
    private readonly auth: AuthService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.links = new CredentialLinkSealer(config.dataEncryptionKey);
  }

  async list(tenantId: string, limit: number, cursor?: string): Promise<Page<MemberView>> {
    // User ids are UUIDv7 (time-ordered): keyset pagination on a unique key the member view carries.
    const after = decodeCursor(cursor, ['uuid']);
    const rows: MemberRow[] = await this.database.run(
      (m) =>
        m.query(
          `select m.id, m.user_id, m.role, m.created_at, u.email, u.name, u.totp_enabled_at
             from tenancy.memberships m join tenancy.users u on u.id = m.user_id
            where m.tenant_id = $1 and ($2::uuid is null or m.user_id > $2::uuid)
            order by m.user_id limit $3`,
          [tenantId, after?.[0] ?? null, limit + 1],
        ),
      tenantId,
    );
    const page = toPage(rows, limit, (row) => [row.user_id]);
    return { data: page.data.map(memberView), nextCursor: page.nextCursor };
  }

  private async lockedMember(m: EntityManager, tenantId: string, userId: string): Promise<MemberRow> {
    const [row]: MemberRow[] = await m.query(
      `select m.id, m.user_id, m.role, m.created_at, u.email, u.name, u.totp_enabled_at
         from tenancy.memberships m join tenancy.users u on u.id = m.user_id where m.tenant_id = $1 and m.user_id = $2 for update of m`,
      [tenantId, userId],
    );
    if (!row) throw new NotFoundProblem('Member');
    return row;
  }

  /** Owners are changed only by owners, and an organisation always keeps at least one owner. */
  private async guardOwnership(m: EntityManager, identity: Identity, tenantId: string, member: MemberRow, newRole: Role | null): Promise<void> {
    const touchesOwner = member.role === 'owner' || newRole === 'owner';
    if (touchesOwner && !hasPermissions(identity, ['owners:manage'])) throw new ProblemException(403, 'Only an owner can add or remove owners');
    if (member.role === 'owner' && newRole !== 'owner') {
      // Lock every owner row so two concurrent demotions cannot both see "another owner remains".
      const owners: { user_id: string }[] = await m.query(`select user_id from tenancy.memberships where tenant_id = $1 and role = 'owner' for update`, [
        tenantId,
      ]);
      if (owners.length <= 1) throw new ConflictProblem('An organisation must keep at least one owner; make someone else an owner first');
    }
  }

  async changeRole(identity: Identity, userId: string, role: Role): Promise<MemberView> {
    const tenantId = identity.tenantId as string;
    const { view, revoked } = await this.database.run(async (m) => {
      const member = await this.lockedMember(m, tenantId, userId);
      if (member.role === role) return { view: memberView(member), revoked: [] as string[] };
      await this.guardOwnership(m, identity, tenantId, member, role);
      await m.query(`update tenancy.memberships set role = $3, updated_at = now() where tenant_id = $1 and user_id = $2`, [tenantId, userId, role]);
      // Tokens carry the role: end the member's sessions here so the new role applies at once.
      const revoked = await this.sessions.revoke(m, { userId }, 'role_changed');
      await audit(m, tenantId, { action: 'member.role_changed', targetType: 'member', targetId: userId, changes: { role: { from: member.role, to: role } } });
      await emit(m, tenantId, 'member.updated', { userId, email: member.email, name: member.name, role } satisfies MemberEventData);
      return { view: memberView({ ...member, role }), revoked };
    }, tenantId);
    await this.sessions.publish(revoked);
    return view;
  }

  async remove(identity: Identity, userId: string): Promise<void> {
    const tenantId = identity.tenantId as string;
    const revoked = await this.database.run(async (m) => {
      const member = await this.lockedMember(m, tenantId, userId);
      await this.guardOwnership(m, identity, tenantId, member, null);
      await m.query(`delete from tenancy.memberships where tenant_id = $1 and user_id = $2`, [tenantId, userId]);
      const revoked = await this.sessions.revoke(m, { userId }, 'membership_ended');
      await audit(m, tenantId, { action: 'member.removed', targetType: 'member', targetId: userId, changes: { role: member.role, email: member.email } });
      await emit(m, tenantId, 'member.removed', { userId } satisfies MemberRemovedEventData);
      return revoked;
    }, tenantId);
    await this.sessions.publish(revoked);
  }

  async invite(identity: Identity, input: { email: string; role: Role }): Promise<InvitationView> {
    const tenantId = identity.tenantId as string;
    if (input.role === 'owner' && !hasPermissions(identity, ['owners:manage'])) throw new ProblemException(403, 'Only an owner can invite an owner');
    const email = normaliseEmail(input.email);
    return this.database.run(async (m) => {
      const existing: unknown[] = await m.query(
        `select 1 from tenancy.memberships ms join tenancy.users u on u.id = ms.user_id where ms.tenant_id = $1 and lower(u.email) = $2`,
        [tenantId, email],
      );
      if (existing.length) throw new ConflictProblem('This person is already a member');
      const [tenant]: { name: string; settings: Partial<TenantSettings> }[] = await m.query(`select name, settings from tenancy.tenants where id = $1`, [
        tenantId,
      ]);
      const [inviter]: { name: string }[] =
        identity.kind === 'user' ? await m.query(`select name from tenancy.users where id = $1`, [identity.principalId]) : [];
      const token = generateTenantToken(INVITATION_PREFIX, tenantId);
      const id = newId();
      const expiresAt = new Date(Date.now() + INVITATION_DAYS * 86_400_000);
      // A new invitation to the same address replaces any pending one.
      await m.query(
        `update tenancy.invitations set revoked_at = now() where tenant_id = $1 and lower(email) = $2 and accepted_at is null and revoked_at is null`,
        [tenantId, email],
      );
      const [row]: InvitationRow[] = await m.query(
        `insert into tenancy.invitations (tenant_id, id, email, role, token_hash, invited_by, expires_at) values ($1, $2, $3, $4, $5, $6, $7) returning *`,
        [tenantId, id, email, input.role, credentialHash(token), identity.kind === 'user' ? identity.principalId : null, expiresAt],
      );
      await audit(m, tenantId, { action: 'invitation.created', targetType: 'invitation', targetId: id, changes: { email, role: input.role } });
      await emit(m, tenantId, 'invitation.created', {
        invitationId: id,
        email,
        role: input.role,
        tenantName: tenant?.name ?? '',
        invitedByName: inviter?.name ?? 'An administrator',
        acceptUrl: this.links.sealLink(tenantId, `${this.config.publicUrl}/invitations/accept?token=${token}`),
        expiresAt: expiresAt.toISOString(),
      } satisfies InvitationEventData);
      return invitationView(row as InvitationRow);
    }, tenantId);
  }

  async listInvitations(tenantId: string): Promise<InvitationView[]> {
    const rows: InvitationRow[] = await this.database.run(
      (m) => m.query(`select * from tenancy.invitations where tenant_id = $1 order by created_at desc, id desc limit 200`, [tenantId]),
      tenantId,
    );
    return rows.map(invitationView);
  }

  async revokeInvitation(identity: Identity, id: string): Promise<void> {
    const tenantId = identity.tenantId as string;
    await this.database.run(async (m) => {
      const rows = await updateReturning<InvitationRow>(
        m,
        `update tenancy.invitations set revoked_at = coalesce(revoked_at, now()) where tenant_id = $1 and id = $2 and accepted_at is null returning *`,
        [tenantId, id],
      );
      if (!rows.length) throw new NotFoundProblem('Pending invitation');
      await audit(m, tenantId, { action: 'invitation.revoked', targetType: 'invitation', targetId: id });
    }, tenantId);
  }

  /**
   * Accepts an invitation: single use (the row is claimed atomically), unexpired, unrevoked. A new
   * person sets a name and password; someone with an account proves it with their password.
   */
  async accept(input: { token: string; password?: string; name?: string }, client: ClientInfo) {
    const tenantId = parseTenantToken(INVITATION_PREFIX, input.token)?.tenantId;
    const notValid = () => new ProblemException(404, 'This invitation is not valid: it may have expired, been used or been withdrawn');
    if (!tenantId) throw notValid();
    const [pending]: InvitationRow[] = await this.database.run(
      (m) =>
        m.query(`select * from tenancy.invitations where token_hash = $1 and accepted_at is null and revoked_at is null and expires_at > now()`, [
          credentialHash(input.token),
        ]),
      tenantId,
    );
    if (!pending) throw notValid();
    const existing = await this.auth.findUserByEmail(pending.email);
    let newUser: { id: string; hash: string; name: string } | null = null;
    if (existing) {
      if (!input.password || !(await this.hasher.verify(existing.password_hash, input.password))) {
        throw new ProblemException(401, 'Enter the password of your existing Assay account to accept', {
          errors: [{ field: 'password', message: 'does not match the account' }],
        });
      }
    } else {
      const problems = [
        ...(input.name?.trim() ? [] : [{ field: 'name', message: 'is required for a new account' }]),
        ...(input.password
          ? passwordProblems(input.password, { email: pending.email, name: input.name }).map((message) => ({ field: 'password', message }))
          : [{ field: 'password', message: 'is required for a new account' }]),
      ];
      if (problems.length) throw invalidPassword(problems.map((p) => `${p.field === 'name' ? 'name ' : ''}${p.message}`));
      newUser = { id: newId(), hash: await this.hasher.hash(input.password as string), name: (input.name as string).trim() };
    }
    const user: Pick<UserRow, 'id' | 'name' | 'email'> = existing ?? {
      id: (newUser as { id: string }).id,
      name: (newUser as { name: string }).name,
      email: pending.email,
    };
    const tokens = await this.database.run(async (m) => {
      const claimed = await updateReturning<InvitationRow>(
        m,
        `update tenancy.invitations set accepted_at = now(), accepted_by = $3 where tenant_id = $1 and id = $2 and accepted_at is null and revoked_at is null and expires_at > now() returning *`,
        [tenantId, pending.id, user.id],
      );
      if (!claimed.length) throw notValid();
      if (newUser)
        await m.query(`insert into tenancy.users (id, email, name, password_hash) values ($1, $2, $3, $4)`, [
          newUser.id,
          pending.email,
          newUser.name,
          newUser.hash,
        ]);
      const inserted: unknown[] = await m.query(
        `insert into tenancy.memberships (tenant_id, id, user_id, role) values ($1, $2, $3, $4) on conflict (tenant_id, user_id) do nothing returning id`,
        [tenantId, newId(), user.id, pending.role],
      );
      if (!inserted.length) throw new ConflictProblem('You are already a member of this organisation');
      const actor = { kind: 'user' as const, principalId: user.id };
      await audit(m, tenantId, { action: 'invitation.accepted', targetType: 'invitation', targetId: pending.id, actor });
      await audit(m, tenantId, {
        action: 'member.joined',
        targetType: 'member',
        targetId: user.id,
        changes: { role: pending.role, email: pending.email },
        actor,
      });
      await emit(m, tenantId, 'member.joined', { userId: user.id, email: pending.email, name: user.name, role: pending.role } satisfies MemberEventData);
      const [tenant]: { name: string; settings: Partial<TenantSettings> }[] = await m.query(`select name, settings from tenancy.tenants where id = $1`, [
        tenantId,
      ]);
      const started = await this.sessions.start(m, { tenantId, userId: user.id, role: pending.role, mfa: false, settings: tenant?.settings ?? null, client });
      return { ...publicTokens(started), tenant: { id: tenantId, name: tenant?.name ?? '', role: pending.role } };
    }, tenantId);
    return { user: { id: user.id, email: user.email, name: user.name }, ...tokens };
  }
}
