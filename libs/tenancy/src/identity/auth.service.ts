import { clock } from '@assay/shared/clock';
import { credentialHash } from '@assay/shared/auth';
import { Identity, MemberEventData, Role, TenantEventData, TenantSettings, DEFAULT_TENANT_SETTINGS, withDefaultSettings } from '@assay/shared/contracts';
import { TenantDatabase, newId } from '@assay/shared/database';
import { ProblemException } from '@assay/shared/http';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { MembershipRow, MembershipsRepository } from '../members/memberships.repository';
import { LoginThrottle } from '../security/login-throttle';
import { PasswordHasher } from '../security/password-hasher';
import { passwordProblems } from '../security/password-policy';
import { audit, ClientInfo, emit } from '../tenancy-writes';
import { TenantsRepository } from '../tenant/tenants.repository';
import { MfaRepository } from './mfa.repository';
import { MfaService, SecondFactor } from './mfa.service';
import { IssuedTokens, SessionStore, needsMfaEnrolment, sessionStarted } from './session.store';
import { SessionsRepository } from './sessions.repository';
import { UserRow, UsersRepository } from './users.repository';

export interface TenantChoice {
  id: string;
  name: string;
  role: Role;
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function invalidPassword(problems: string[]): ProblemException {
  return new ProblemException(400, `The password ${problems.join('; ')}`, { errors: problems.map((message) => ({ field: 'password', message })) });
}

const unauthenticated = (detail: string, extra: Record<string, unknown> = {}) => new ProblemException(401, detail, extra, { 'www-authenticate': 'Bearer' });

/** Sign-up, sign-in (with a second factor when on or required), refresh rotation, sign-out, tenant switching. */
@Injectable()
export class AuthService {
  constructor(
    private readonly database: TenantDatabase,
    private readonly hasher: PasswordHasher,
    private readonly throttle: LoginThrottle,
    private readonly sessions: SessionStore,
    private readonly mfa: MfaService,
    private readonly users: UsersRepository,
    private readonly mfaRecords: MfaRepository,
    private readonly sessionRecords: SessionsRepository,
    private readonly tenants: TenantsRepository,
    private readonly memberships: MembershipsRepository,
  ) {}

  private findUserByEmail(email: string): Promise<UserRow | null> {
    return this.database.runGlobal((m) => this.users.findByEmail(m, normaliseEmail(email)));
  }

  /** The tenants a user belongs to (across tenants, so as the system role: memberships and names only). */
  private membershipsOf(userId: string): Promise<MembershipRow[]> {
    return this.database.runAsSystem((m) => this.memberships.ofUser(m, userId));
  }

  /** Starts a session for a member of the tenant bound to `m`, returning its first tokens. */
  private async startSession(
    m: EntityManager,
    input: { tenantId: string; userId: string; role: Role; mfa: boolean; settings: Partial<TenantSettings> | null; client: ClientInfo },
  ): Promise<IssuedTokens & { sessionId: string }> {
    const opened = this.sessions.open(input);
    await this.sessionRecords.insert(m, opened.session, opened.refreshToken);
    await audit(m, input.tenantId, sessionStarted(opened.session));
    return this.sessions.issue(opened, input);
  }

  async signup(input: { email: string; password: string; name: string; organisationName: string }, client: ClientInfo) {
    const email = normaliseEmail(input.email);
    const problems = passwordProblems(input.password, { email, name: input.name, organisation: input.organisationName });
    if (problems.length) throw invalidPassword(problems);
    if (await this.findUserByEmail(email)) throw new ProblemException(409, 'An account with this email already exists; sign in instead');
    const passwordHash = await this.hasher.hash(input.password);
    const tenantId = newId();
    const userId = newId();
    const settings: TenantSettings = withDefaultSettings(DEFAULT_TENANT_SETTINGS);
    const tokens = await this.database.run(async (m) => {
      await this.users.insert(m, { id: userId, email, name: input.name, passwordHash }).catch((error: { code?: string }) => {
        if (error.code === '23505') throw new ProblemException(409, 'An account with this email already exists; sign in instead');
        throw error;
      });
      await this.tenants.insert(m, tenantId, input.organisationName, settings);
      await this.memberships.add(m, tenantId, newId(), userId, 'owner');
      const actor = { kind: 'user' as const, principalId: userId };
      await audit(m, tenantId, { action: 'tenant.created', targetType: 'tenant', targetId: tenantId, changes: { name: input.organisationName }, actor });
      await audit(m, tenantId, { action: 'member.joined', targetType: 'member', targetId: userId, changes: { role: 'owner', email }, actor });
      await emit(m, tenantId, 'tenant.created', { tenantId, name: input.organisationName, settings } satisfies TenantEventData);
      await emit(m, tenantId, 'member.joined', { userId, email, name: input.name, role: 'owner' } satisfies MemberEventData);
      return this.startSession(m, { tenantId, userId, role: 'owner', mfa: false, settings, client });
    }, tenantId);
    return {
      user: { id: userId, email, name: input.name, mfaEnabled: false },
      tenant: { id: tenantId, name: input.organisationName, role: 'owner' as Role },
      ...publicTokens(tokens),
    };
  }

  async login(input: { email: string; password: string; tenantId?: string } & SecondFactor, client: ClientInfo) {
    const email = normaliseEmail(input.email);
    await this.throttle.check(email, client.ip);
    const user = await this.findUserByEmail(email);
    const passwordOk = await this.hasher.verify(user?.password_hash ?? null, input.password);
    if (!user || !passwordOk) {
      await this.throttle.recordFailure(email, client.ip);
      throw unauthenticated('The email or password is not correct');
    }
    const memberships = await this.membershipsOf(user.id);
    if (memberships.length === 0) throw new ProblemException(403, 'This account is not a member of any organisation');
    const chosen = input.tenantId ? memberships.find((row) => row.tenant_id === input.tenantId) : memberships[0];
    if (!chosen) throw new ProblemException(403, 'This account is not a member of that organisation');

    const tokens = await this.database.run(async (m) => {
      const mfa = await this.secondFactor(m, user.id, input, () => this.throttle.recordFailure(email, client.ip));
      return this.startSession(m, { tenantId: chosen.tenant_id, userId: user.id, role: chosen.role, mfa, settings: chosen.settings, client });
    }, chosen.tenant_id);
    await this.throttle.recordSuccess(email);
    return {
      ...publicTokens(tokens),
      tenantId: chosen.tenant_id,
      tenants: memberships.map((row): TenantChoice => ({ id: row.tenant_id, name: row.name, role: row.role })),
    };
  }

  /**
   * With MFA on, a sign-in needs a valid, unused second factor: none → 401 `mfaRequired`, a wrong
   * one → 401 (and counts as a failed attempt). Returns whether the session holds a second factor.
   */
  private async secondFactor(m: EntityManager, userId: string, factor: SecondFactor, onFailure: () => Promise<void>): Promise<boolean> {
    const locked = await this.users.lock(m, userId);
    if (!locked?.totp_enabled_at) return false;
    if (!factor.totp && !factor.recoveryCode) {
      throw unauthenticated('A second factor is required: send `totp` (or a `recoveryCode`)', { type: 'urn:assay:problem:mfa-required', mfaRequired: true });
    }
    const consumable = this.mfa.consumable(locked, factor);
    if (!consumable || !(await this.mfaRecords.consume(m, locked.id, consumable))) {
      await onFailure();
      throw unauthenticated('The second factor is not valid', { type: 'urn:assay:problem:mfa-invalid', mfaRequired: true });
    }
    return true;
  }

  async refresh(refreshToken: string, client: ClientInfo) {
    const tenantId = this.sessions.tenantOf(refreshToken);
    if (!tenantId) throw unauthenticated('The refresh token is not valid');
    const outcome = await this.database.run(async (m) => {
      const row = await this.sessionRecords.lockByRefreshToken(m, tenantId, credentialHash(refreshToken));
      if (!row) return { kind: 'invalid' as const };
      if (row.revoked_at) return { kind: 'invalid' as const };
      if (row.spent_at) {
        // A spent token presented again was copied: end the whole family, for the thief and the owner alike.
        const revoked = await this.sessionRecords.revoke(m, tenantId, { sessionId: row.session_id }, 'refresh_token_reuse');
        await audit(m, tenantId, {
          action: 'session.revoked',
          targetType: 'session',
          targetId: row.session_id,
          changes: { reason: 'refresh_token_reuse', ip: client.ip.slice(0, 64) },
          actor: { kind: 'user', principalId: row.user_id },
        });
        return { kind: 'reused' as const, revoked };
      }
      if (row.expires_at < clock.now() || row.session_expires_at < clock.now()) return { kind: 'invalid' as const };
      const role = await this.memberships.roleOf(m, tenantId, row.user_id);
      if (!role) {
        const revoked = await this.sessionRecords.revoke(m, tenantId, { sessionId: row.session_id }, 'membership_ended');
        return { kind: 'membership_ended' as const, revoked };
      }
      const tenant = await this.tenants.find(m, tenantId);
      await this.sessionRecords.spend(m, tenantId, row.id, row.session_id);
      const next = this.sessions.nextRefreshToken(tenantId, row.session_id);
      await this.sessionRecords.insertRefreshToken(m, next);
      const settings = withDefaultSettings(tenant?.settings);
      const access = await this.sessions.accessToken({ userId: row.user_id, tenantId, role, sessionId: row.session_id, mfa: row.mfa, settings });
      const tokens: IssuedTokens = {
        tokenType: 'Bearer',
        accessToken: access.token,
        accessTokenExpiresAt: access.expiresAt.toISOString(),
        refreshToken: next.token,
        mfaEnrolmentRequired: needsMfaEnrolment(settings, role, row.mfa),
      };
      return { kind: 'ok' as const, tokens };
    }, tenantId);
    if (outcome.kind === 'reused' || outcome.kind === 'membership_ended') {
      await this.sessions.publish(outcome.revoked);
      const detail =
        outcome.kind === 'reused'
          ? 'This refresh token was already used; the session has been ended. Sign in again'
          : 'The membership of this session has ended';
      throw unauthenticated(detail, { type: 'urn:assay:problem:refresh-token-reused' });
    }
    if (outcome.kind === 'invalid') throw unauthenticated('The refresh token is not valid or has expired');
    return outcome.tokens;
  }

  /** Ends the caller's session (and so its refresh tokens); the access token stops working at once. */
  async logout(identity: Identity, refreshToken?: string): Promise<void> {
    const tenantId = identity.tenantId;
    if (!tenantId) return;
    const revoked = await this.database.run(async (m) => {
      let sessionId = identity.sessionId ?? null;
      if (!sessionId && refreshToken) sessionId = await this.sessionRecords.sessionOfRefreshToken(m, tenantId, credentialHash(refreshToken));
      if (!sessionId) return [];
      const ids = await this.sessionRecords.revoke(m, tenantId, { sessionId }, 'logout');
      if (ids.length) await audit(m, tenantId, { action: 'session.ended', targetType: 'session', targetId: sessionId, changes: { reason: 'logout' } });
      return ids;
    }, tenantId);
    await this.sessions.publish(revoked);
  }

  /** A session in another tenant the user belongs to; a second factor is needed if theirs is on and this session lacks one. */
  async switchTenant(identity: Identity, input: { tenantId: string } & SecondFactor, client: ClientInfo) {
    if (!identity.principalId) throw unauthenticated('Sign in first');
    const memberships = await this.membershipsOf(identity.principalId);
    const target = memberships.find((row) => row.tenant_id === input.tenantId);
    if (!target) throw new ProblemException(404, 'Organisation not found');
    const userId = identity.principalId;
    const tokens = await this.database.run(async (m) => {
      const mfa = identity.mfa ? true : await this.secondFactor(m, userId, input, async () => undefined);
      return this.startSession(m, { tenantId: target.tenant_id, userId, role: target.role, mfa, settings: target.settings, client });
    }, target.tenant_id);
    return {
      ...publicTokens(tokens),
      tenantId: target.tenant_id,
      tenants: memberships.map((row): TenantChoice => ({ id: row.tenant_id, name: row.name, role: row.role })),
    };
  }
}

export function publicTokens(tokens: IssuedTokens & { sessionId?: string }): IssuedTokens {
  return {
    tokenType: tokens.tokenType,
    accessToken: tokens.accessToken,
    accessTokenExpiresAt: tokens.accessTokenExpiresAt,
    refreshToken: tokens.refreshToken,
    mfaEnrolmentRequired: tokens.mfaEnrolmentRequired,
  };
}
