import { Identity, PRIVILEGED_ROLES, Role, TenantIdentity, isTenantIdentity, withDefaultSettings } from '@assay/shared/contracts';
import { TenantDatabase } from '@assay/shared/database';
import { ConflictProblem, NotFoundProblem, ProblemException } from '@assay/shared/http';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { MembershipRow, MembershipsRepository } from '../members/memberships.repository';
import { audit } from '../tenancy-writes';
import { TenantsRepository } from '../tenant/tenants.repository';
import { MfaRepository } from './mfa.repository';
import { MfaService, SecondFactor } from './mfa.service';
import { SessionStore } from './session.store';
import { SessionsRepository } from './sessions.repository';
import { UserRow, UsersRepository } from './users.repository';

export interface MeView {
  user: { id: string; email: string; name: string; mfaEnabled: boolean; createdAt: string };
  tenant: { id: string; name: string; role: Role | null } | null;
  session: { id: string | null; mfa: boolean; mfaEnrolmentRequired: boolean };
  tenants: { id: string; name: string; role: Role }[];
}

/** The signed-in user's own account: profile and second factor. */
@Injectable()
export class AccountService {
  constructor(
    private readonly database: TenantDatabase,
    private readonly mfa: MfaService,
    private readonly sessions: SessionStore,
    private readonly users: UsersRepository,
    private readonly mfaRecords: MfaRepository,
    private readonly sessionRecords: SessionsRepository,
    private readonly memberships: MembershipsRepository,
    private readonly tenants: TenantsRepository,
  ) {}

  private userId(identity: Identity): string {
    if (identity.kind !== 'user' || !identity.principalId) throw new ProblemException(403, 'Only a signed-in user has an account');
    return identity.principalId;
  }

  private tenantIdentity(identity: Identity): TenantIdentity {
    if (!isTenantIdentity(identity)) throw new ProblemException(403, 'This needs a session in an organisation');
    return identity;
  }

  private async lockedUser(m: EntityManager, userId: string): Promise<UserRow> {
    const user = await this.users.lock(m, userId);
    if (!user) throw new NotFoundProblem('User');
    return user;
  }

  /** The tenants a user belongs to (across tenants, so as the system role: memberships and names only). */
  private membershipsOf(userId: string): Promise<MembershipRow[]> {
    return this.database.runAsSystem((m) => this.memberships.ofUser(m, userId));
  }

  /** Consumes a second factor of the (locked) user, refusing an invalid or used one. */
  private async requireSecondFactor(m: EntityManager, user: UserRow, factor: SecondFactor): Promise<void> {
    const consumable = this.mfa.consumable(user, factor);
    if (!consumable || !(await this.mfaRecords.consume(m, user.id, consumable)))
      throw new ProblemException(400, 'The second factor is not valid', { errors: [{ field: 'totp', message: 'not valid' }] });
  }

  private async replaceRecoveryCodes(m: EntityManager, userId: string): Promise<string[]> {
    const { codes, hashes } = this.mfa.newRecoveryCodes();
    await this.mfaRecords.replaceRecoveryCodes(m, userId, hashes);
    return codes;
  }

  async me(identity: Identity): Promise<MeView> {
    const userId = this.userId(identity);
    const user = await this.database.runGlobal((m) => this.users.find(m, userId));
    if (!user) throw new NotFoundProblem('User');
    const memberships = await this.membershipsOf(userId);
    const current = memberships.find((row) => row.tenant_id === identity.tenantId);
    return {
      user: { id: user.id, email: user.email, name: user.name, mfaEnabled: !!user.totp_enabled_at, createdAt: user.created_at.toISOString() },
      tenant: current ? { id: current.tenant_id, name: current.name, role: identity.role } : null,
      session: { id: identity.sessionId ?? null, mfa: identity.mfa ?? false, mfaEnrolmentRequired: identity.role === null && !!current },
      tenants: memberships.map((row) => ({ id: row.tenant_id, name: row.name, role: row.role })),
    };
  }

  async beginTotp(identity: Identity) {
    const userId = this.userId(identity);
    const { tenantId } = this.tenantIdentity(identity);
    return this.database.run(async (m) => {
      const { sealed, ...result } = this.mfa.newSecret(await this.lockedUser(m, userId));
      await this.mfaRecords.setSecret(m, userId, sealed);
      await audit(m, tenantId, { action: 'mfa.enrolment_started', targetType: 'user', targetId: userId });
      return result;
    }, tenantId);
  }

  /** Confirms TOTP; the current session now holds a second factor and gets a full access token. */
  async confirmTotp(identity: Identity, code: string) {
    const userId = this.userId(identity);
    const { tenantId } = this.tenantIdentity(identity);
    return this.database.run(async (m) => {
      await this.mfaRecords.enable(m, userId, this.mfa.enrolmentStep(await this.lockedUser(m, userId), code));
      const recoveryCodes = await this.replaceRecoveryCodes(m, userId);
      await audit(m, tenantId, { action: 'mfa.enabled', targetType: 'user', targetId: userId });
      const result: { recoveryCodes: string[]; accessToken?: string; accessTokenExpiresAt?: string } = { recoveryCodes };
      if (identity.sessionId) {
        await this.sessionRecords.markMfa(m, tenantId, identity.sessionId);
        const role = await this.memberships.roleOf(m, tenantId, userId);
        const tenant = await this.tenants.find(m, tenantId);
        if (role) {
          const access = await this.sessions.accessToken({
            userId,
            tenantId,
            role,
            sessionId: identity.sessionId,
            mfa: true,
            settings: withDefaultSettings(tenant?.settings),
          });
          result.accessToken = access.token;
          result.accessTokenExpiresAt = access.expiresAt.toISOString();
        }
      }
      return result;
    }, tenantId);
  }

  async disableTotp(identity: Identity, factor: SecondFactor) {
    const userId = this.userId(identity);
    const { tenantId } = this.tenantIdentity(identity);
    const memberships = await this.membershipsOf(userId);
    const blocking = memberships.find((row) => withDefaultSettings(row.settings).requireMfaForAdmins && PRIVILEGED_ROLES.includes(row.role));
    if (blocking) throw new ConflictProblem(`${blocking.name} requires two-factor authentication for its ${blocking.role}s`);
    await this.database.run(async (m) => {
      const user = await this.lockedUser(m, userId);
      if (!user.totp_enabled_at) throw new ConflictProblem('Two-factor authentication is not on');
      await this.requireSecondFactor(m, user, factor);
      await this.mfaRecords.disable(m, userId);
      await audit(m, tenantId, { action: 'mfa.disabled', targetType: 'user', targetId: userId });
    }, tenantId);
  }

  async regenerateRecoveryCodes(identity: Identity, factor: SecondFactor) {
    const userId = this.userId(identity);
    const { tenantId } = this.tenantIdentity(identity);
    return this.database.run(async (m) => {
      await this.requireSecondFactor(m, await this.lockedUser(m, userId), factor);
      const recoveryCodes = await this.replaceRecoveryCodes(m, userId);
      await audit(m, tenantId, { action: 'mfa.recovery_codes_replaced', targetType: 'user', targetId: userId });
      return { recoveryCodes };
    }, tenantId);
  }
}
