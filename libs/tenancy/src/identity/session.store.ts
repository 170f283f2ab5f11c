import { AccessTokenSigner, REVOKED_SESSION_TTL_SECONDS, credentialHash, generateTenantToken, parseTenantToken, revokedSessionKey } from '@assay/shared/auth';
import { APP_CONFIG, AppConfig } from '@assay/shared/config';
import { PRIVILEGED_ROLES, Role, TenantSettings, withDefaultSettings } from '@assay/shared/contracts';
import { newId, updateReturning } from '@assay/shared/database';
import { QueueRegistry } from '@assay/shared/queue';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { audit, ClientInfo } from '../tenancy-writes';

export const REFRESH_TOKEN_PREFIX = 'assay_rt_';
const REFRESH_TOKEN_DAYS = 30;
const SESSION_MAX_DAYS = 90;
const DAY_MS = 86_400_000;

export interface IssuedTokens {
  tokenType: 'Bearer';
  accessToken: string;
  accessTokenExpiresAt: string;
  refreshToken: string;
  /** The session may only enrol a second factor until it does. */
  mfaEnrolmentRequired: boolean;
}

/** Whether a session of this role in this tenant must hold a second factor it does not have. */
export function needsMfaEnrolment(settings: TenantSettings, role: Role, sessionHasMfa: boolean): boolean {
  return !sessionHasMfa && settings.requireMfaForAdmins && PRIVILEGED_ROLES.includes(role);
}

/**
 * Sign-in sessions. A session is a family of rotating refresh tokens: each refresh spends the
 * presented token and issues the next; presenting a spent token again means it was copied, so the
 * whole family is revoked. Revocations are also published to Redis, where the gateway checks them.
 */
@Injectable()
export class SessionStore {
  private readonly signer: AccessTokenSigner;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly queues: QueueRegistry,
  ) {
    if (!config.accessTokenPrivateKey) throw new Error('ACCESS_TOKEN_PRIVATE_KEY is required by the tenancy service');
    this.signer = new AccessTokenSigner(config.accessTokenPrivateKey);
  }

  async accessToken(input: { userId: string; tenantId: string; role: Role; sessionId: string; mfa: boolean; settings: TenantSettings }) {
    const enrolmentOnly = needsMfaEnrolment(input.settings, input.role, input.mfa);
    const signed = await this.signer.sign({ ...input, role: enrolmentOnly ? null : input.role, enrolmentOnly });
    return { ...signed, enrolmentOnly };
  }

  /** Starts a session for a member of the tenant bound to `manager`, returning its first tokens. */
  async start(
    manager: EntityManager,
    input: { tenantId: string; userId: string; role: Role; mfa: boolean; settings: Partial<TenantSettings> | null; client: ClientInfo },
  ): Promise<IssuedTokens & { sessionId: string }> {
    const sessionId = newId();
    await manager.query(`insert into tenancy.sessions (tenant_id, id, user_id, mfa, expires_at, user_agent, ip) values ($1, $2, $3, $4, $5, $6, $7)`, [
      input.tenantId,
      sessionId,
      input.userId,
      input.mfa,
      new Date(Date.now() + SESSION_MAX_DAYS * DAY_MS),
      input.client.userAgent?.slice(0, 512) ?? null,
      input.client.ip.slice(0, 64),
    ]);
    const refreshToken = await this.insertRefreshToken(manager, input.tenantId, sessionId);
    await audit(manager, input.tenantId, {
      action: 'session.started',
      targetType: 'session',
      targetId: sessionId,
      changes: { userId: input.userId, mfa: input.mfa, ip: input.client.ip.slice(0, 64) },
      actor: { kind: 'user', principalId: input.userId },
    });
    const access = await this.accessToken({ ...input, sessionId, settings: withDefaultSettings(input.settings) });
    return {
      tokenType: 'Bearer',
      accessToken: access.token,
      accessTokenExpiresAt: access.expiresAt.toISOString(),
      refreshToken,
      mfaEnrolmentRequired: access.enrolmentOnly,
      sessionId,
    };
  }

  async insertRefreshToken(manager: EntityManager, tenantId: string, sessionId: string): Promise<string> {
    const token = generateTenantToken(REFRESH_TOKEN_PREFIX, tenantId);
    await manager.query(`insert into tenancy.refresh_tokens (tenant_id, id, session_id, token_hash, expires_at) values ($1, $2, $3, $4, $5)`, [
      tenantId,
      newId(),
      sessionId,
      credentialHash(token),
      new Date(Date.now() + REFRESH_TOKEN_DAYS * DAY_MS),
    ]);
    return token;
  }

  tenantOf(refreshToken: string): string | null {
    return parseTenantToken(REFRESH_TOKEN_PREFIX, refreshToken)?.tenantId ?? null;
  }

  /** Revokes sessions in the tenant bound to `manager`; call `publish` with the result after commit. */
  async revoke(manager: EntityManager, where: { sessionId?: string; userId?: string }, reason: string): Promise<string[]> {
    const rows = await updateReturning<{ id: string }>(
      manager,
      `update tenancy.sessions set revoked_at = now(), revoke_reason = $3
        where revoked_at is null and (($1::uuid is not null and id = $1) or ($2::uuid is not null and user_id = $2))
        returning id`,
      [where.sessionId ?? null, where.userId ?? null, reason],
    );
    return rows.map((row) => row.id);
  }

  /** Tells every gateway replica to refuse the revoked sessions' access tokens from now on. */
  async publish(sessionIds: string[]): Promise<void> {
    if (sessionIds.length === 0) return;
    const pipeline = this.queues.redis.pipeline();
    for (const id of sessionIds) pipeline.set(revokedSessionKey(id), '1', 'EX', REVOKED_SESSION_TTL_SECONDS);
    await pipeline.exec();
  }
}
