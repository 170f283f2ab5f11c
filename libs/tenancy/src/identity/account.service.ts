import { Identity, PRIVILEGED_ROLES, Role, TenantSettings, withDefaultSettings } from '@assay/shared/contracts';
import { TenantDatabase } from '@assay/shared/database';
import { ConflictProblem, NotFoundProblem, ProblemException } from '@assay/shared/http';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { audit } from '../tenancy-writes';
import { AuthService, UserRow } from './auth.service';
import { MfaService, SecondFactor } from './mfa.service';
import { SessionStore } from './session.store';

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
    private readonly auth: AuthService,
    private readonly mfa: MfaService,
    private readonly sessions: SessionStore,
  ) {}

  private userId(identity: Identity): string {
    if (identity.kind !== 'user' || !identity.principalId) throw new ProblemException(403, 'Only a signed-in user has an account');
    return identity.principalId;
  }

  private tenantId(identity: Identity): string {
    if (!identity.tenantId) throw new ProblemException(403, 'This needs a session in an organisation');
    return identity.tenantId;
  }

  private async lockedUser(m: EntityManager, userId: string): Promise<UserRow> {
    const [user]: UserRow[] = await m.query(`select * from tenancy.users where id = $1 for update`, [userId]);
    if (!user) throw new NotFoundProblem('User');
    return user;
  }

  async me(identity: Identity): Promise<MeView> {
    const userId = this.userId(identity);
    const [user]: UserRow[] = await this.database.runGlobal((m) => m.query(`select * from tenancy.users where id = $1`, [userId]));
    if (!user) throw new NotFoundProblem('User');
    const memberships = await this.auth.membershipsOf(userId);
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
    return this.database.run(async (m) => {
      const result = await this.mfa.beginEnrolment(m, await this.lockedUser(m, userId));
      await audit(m, this.tenantId(identity), { action: 'mfa.enrolment_started', targetType: 'user', targetId: userId });
      return result;
    }, this.tenantId(identity));
  }

  /** Confirms TOTP; the current session now holds a second factor and gets a full access token. */
  async confirmTotp(identity: Identity, code: string) {
    const userId = this.userId(identity);
    const tenantId = this.tenantId(identity);
    return this.database.run(async (m) => {
      const recoveryCodes = await this.mfa.completeEnrolment(m, await this.lockedUser(m, userId), code);
      await audit(m, tenantId, { action: 'mfa.enabled', targetType: 'user', targetId: userId });
      const result: { recoveryCodes: string[]; accessToken?: string; accessTokenExpiresAt?: string } = { recoveryCodes };
      if (identity.sessionId) {
        await m.query(`update tenancy.sessions set mfa = true where id = $1 and revoked_at is null`, [identity.sessionId]);
        const [membership]: { role: Role }[] = await m.query(`select role from tenancy.memberships where user_id = $1`, [userId]);
        const [tenant]: { settings: Partial<TenantSettings> }[] = await m.query(`select settings from tenancy.tenants where id = $1`, [tenantId]);
        if (membership) {
          const access = await this.sessions.accessToken({
            userId,
            tenantId,
            role: membership.role,
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
    const tenantId = this.tenantId(identity);
    const memberships = await this.auth.membershipsOf(userId);
    const blocking = memberships.find((row) => withDefaultSettings(row.settings).requireMfaForAdmins && PRIVILEGED_ROLES.includes(row.role));
    if (blocking) throw new ConflictProblem(`${blocking.name} requires two-factor authentication for its ${blocking.role}s`);
    await this.database.run(async (m) => {
      const user = await this.lockedUser(m, userId);
      if (!user.totp_enabled_at) throw new ConflictProblem('Two-factor authentication is not on');
      if (!(await this.mfa.verify(m, user, factor)))
        throw new ProblemException(400, 'The second factor is not valid', { errors: [{ field: 'totp', message: 'not valid' }] });
      await this.mfa.disable(m, userId);
      await audit(m, tenantId, { action: 'mfa.disabled', targetType: 'user', targetId: userId });
    }, tenantId);
  }

  async regenerateRecoveryCodes(identity: Identity, factor: SecondFactor) {
    const userId = this.userId(identity);
    const tenantId = this.tenantId(identity);
    return this.database.run(async (m) => {
      const user = await this.lockedUser(m, userId);
      if (!(await this.mfa.verify(m, user, factor)))
        throw new ProblemException(400, 'The second factor is not valid', { errors: [{ field: 'totp', message: 'not valid' }] });
      const recoveryCodes = await this.mfa.replaceRecoveryCodes(m, userId);
      await audit(m, tenantId, { action: 'mfa.recovery_codes_replaced', targetType: 'user', targetId: userId });
      return { recoveryCodes };
    }, tenantId);
  }
}
