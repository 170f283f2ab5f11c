import { clock } from '@assay/shared/clock';
import { CredentialLinkSealer, credentialHash, generateTenantToken, parseTenantToken } from '@assay/shared/auth';
import { APP_CONFIG, AppConfig } from '@assay/shared/config';
import { InvitationEventData, MemberEventData, Role, TenantIdentity, hasPermissions } from '@assay/shared/contracts';
import { TenantDatabase, newId } from '@assay/shared/database';
import { ConflictProblem, NotFoundProblem, ProblemException } from '@assay/shared/http';
import { Inject, Injectable } from '@nestjs/common';
import { invalidPassword, normaliseEmail, publicTokens } from '../identity/auth.service';
import { SessionStore, sessionStarted } from '../identity/session.store';
import { SessionsRepository } from '../identity/sessions.repository';
import { UserRow, UsersRepository } from '../identity/users.repository';
import { PasswordHasher } from '../security/password-hasher';
import { passwordProblems } from '../security/password-policy';
import { audit, ClientInfo, emit } from '../tenancy-writes';
import { TenantsRepository } from '../tenant/tenants.repository';
import { InvitationRow, InvitationsRepository } from './invitations.repository';
import { MembershipsRepository } from './memberships.repository';

export const INVITATION_PREFIX = 'assay_inv_';
const INVITATION_DAYS = 7;

export interface InvitationView {
  id: string;
  email: string;
  role: Role;
  createdAt: string;
  expiresAt: string;
  status: 'pending' | 'accepted' | 'revoked' | 'expired';
}

const invitationView = (row: InvitationRow): InvitationView => ({
  id: row.id,
  email: row.email,
  role: row.role,
  createdAt: row.created_at.toISOString(),
  expiresAt: row.expires_at.toISOString(),
  status: row.accepted_at ? 'accepted' : row.revoked_at ? 'revoked' : row.expires_at < clock.now() ? 'expired' : 'pending',
});

/** Invitations to join the caller's organisation, and their acceptance (which starts the new member's first session). */
@Injectable()
export class InvitationsService {
  /** Invitation links travel sealed through the outbox and the queue to the email that carries them. */
  private readonly links: CredentialLinkSealer;

  constructor(
    private readonly database: TenantDatabase,
    private readonly sessions: SessionStore,
    private readonly hasher: PasswordHasher,
    private readonly invitations: InvitationsRepository,
    private readonly memberships: MembershipsRepository,
    private readonly users: UsersRepository,
    private readonly tenants: TenantsRepository,
    private readonly sessionRecords: SessionsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.links = new CredentialLinkSealer(config.dataEncryptionKey);
  }

  async invite(identity: TenantIdentity, input: { email: string; role: Role }): Promise<InvitationView> {
    const { tenantId } = identity;
    if (input.role === 'owner' && !hasPermissions(identity, ['owners:manage'])) throw new ProblemException(403, 'Only an owner can invite an owner');
    const email = normaliseEmail(input.email);
    return this.database.run(async (m) => {
      if (await this.memberships.hasMemberWithEmail(m, tenantId, email)) throw new ConflictProblem('This person is already a member');
      const tenant = await this.tenants.find(m, tenantId);
      const inviterName = identity.kind === 'user' && identity.principalId ? await this.users.name(m, identity.principalId) : null;
      const token = generateTenantToken(INVITATION_PREFIX, tenantId);
      const id = newId();
      const expiresAt = new Date(clock.nowMs() + INVITATION_DAYS * 86_400_000);
      // A new invitation to the same address replaces any pending one.
      await this.invitations.revokePending(m, tenantId, email);
      const row = await this.invitations.insert(m, {
        tenantId,
        id,
        email,
        role: input.role,
        tokenHash: credentialHash(token),
        invitedBy: identity.kind === 'user' ? identity.principalId : null,
        expiresAt,
      });
      await audit(m, tenantId, { action: 'invitation.created', targetType: 'invitation', targetId: id, changes: { email, role: input.role } });
      await emit(m, tenantId, 'invitation.created', {
        invitationId: id,
        email,
        role: input.role,
        tenantName: tenant?.name ?? '',
        invitedByName: inviterName ?? 'An administrator',
        acceptUrl: this.links.sealLink(tenantId, `${this.config.publicUrl}/invitations/accept?token=${token}`),
        expiresAt: expiresAt.toISOString(),
      } satisfies InvitationEventData);
      return invitationView(row);
    }, tenantId);
  }

  async list(tenantId: string): Promise<InvitationView[]> {
    const rows = await this.database.run((m) => this.invitations.list(m, tenantId), tenantId);
    return rows.map(invitationView);
  }

  async revoke(identity: TenantIdentity, id: string): Promise<void> {
    const { tenantId } = identity;
    await this.database.run(async (m) => {
      if (!(await this.invitations.revoke(m, tenantId, id))) throw new NotFoundProblem('Pending invitation');
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
    const pending = await this.database.run((m) => this.invitations.findPending(m, tenantId, credentialHash(input.token)), tenantId);
    if (!pending) throw notValid();
    const existing = await this.database.runGlobal((m) => this.users.findByEmail(m, normaliseEmail(pending.email)));
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
      if (!(await this.invitations.claim(m, tenantId, pending.id, user.id))) throw notValid();
      if (newUser) await this.users.insert(m, { id: newUser.id, email: pending.email, name: newUser.name, passwordHash: newUser.hash });
      if (!(await this.memberships.add(m, tenantId, newId(), user.id, pending.role)))
        throw new ConflictProblem('You are already a member of this organisation');
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
      const tenant = await this.tenants.find(m, tenantId);
      const opened = this.sessions.open({ tenantId, userId: user.id, mfa: false, client });
      await this.sessionRecords.insert(m, opened.session, opened.refreshToken);
      await audit(m, tenantId, sessionStarted(opened.session));
      const started = await this.sessions.issue(opened, { role: pending.role, settings: tenant?.settings ?? null });
      return { ...publicTokens(started), tenant: { id: tenantId, name: tenant?.name ?? '', role: pending.role } };
    }, tenantId);
    return { user: { id: user.id, email: user.email, name: user.name }, ...tokens };
  }
}
