import { clock } from '@assay/shared/clock';
import { AccessTokenSigner, REVOKED_SESSION_TTL_SECONDS, credentialHash, generateTenantToken, parseTenantToken, revokedSessionKey } from '@assay/shared/auth';
import { APP_CONFIG, AppConfig } from '@assay/shared/config';
import { PRIVILEGED_ROLES, Role, TenantSettings, withDefaultSettings } from '@assay/shared/contracts';
import { AuditEntry, newId } from '@assay/shared/database';
import { QueueRegistry } from '@assay/shared/queue';
import { Inject, Injectable } from '@nestjs/common';
import type { ClientInfo } from '../tenancy-writes';
import type { NewRefreshToken, NewSession } from './sessions.repository';

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

/** A session about to start: what to record, and the refresh token to hand out (never stored as such). */
export interface OpenedSession {
  session: NewSession;
  refreshToken: NewRefreshToken & { token: string };
}

/** Whether a session of this role in this tenant must hold a second factor it does not have. */
export function needsMfaEnrolment(settings: TenantSettings, role: Role, sessionHasMfa: boolean): boolean {
  return !sessionHasMfa && settings.requireMfaForAdmins && PRIVILEGED_ROLES.includes(role);
}

/** The audit entry of a session's start. */
export function sessionStarted(session: NewSession): AuditEntry {
  return {
    action: 'session.started',
    targetType: 'session',
    targetId: session.id,
    changes: { userId: session.userId, mfa: session.mfa, ip: session.ip },
    actor: { kind: 'user', principalId: session.userId },
  };
}

/**
 * Sign-in session credentials. A session is a family of rotating refresh tokens: each refresh spends
 * the presented token and issues the next; presenting a spent token again means it was copied, so the
 * whole family is revoked. Revocations are also published to Redis, where the gateway checks them.
 * The rows themselves are kept by the sessions repository.
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

  /** A new session for a member of the tenant, with its first refresh token; record it, then `issue` its tokens. */
  open(input: { tenantId: string; userId: string; mfa: boolean; client: ClientInfo }): OpenedSession {
    const session: NewSession = {
      tenantId: input.tenantId,
      id: newId(),
      userId: input.userId,
      mfa: input.mfa,
      expiresAt: new Date(clock.nowMs() + SESSION_MAX_DAYS * DAY_MS),
      userAgent: input.client.userAgent?.slice(0, 512) ?? null,
      ip: input.client.ip.slice(0, 64),
    };
    return { session, refreshToken: this.nextRefreshToken(input.tenantId, session.id) };
  }

  /** The first tokens of a recorded session. */
  async issue(opened: OpenedSession, input: { role: Role; settings: Partial<TenantSettings> | null }): Promise<IssuedTokens & { sessionId: string }> {
    const { session } = opened;
    const access = await this.accessToken({
      userId: session.userId,
      tenantId: session.tenantId,
      role: input.role,
      sessionId: session.id,
      mfa: session.mfa,
      settings: withDefaultSettings(input.settings),
    });
    return {
      tokenType: 'Bearer',
      accessToken: access.token,
      accessTokenExpiresAt: access.expiresAt.toISOString(),
      refreshToken: opened.refreshToken.token,
      mfaEnrolmentRequired: access.enrolmentOnly,
      sessionId: session.id,
    };
  }

  /** The next refresh token of a session's family. */
  nextRefreshToken(tenantId: string, sessionId: string): NewRefreshToken & { token: string } {
    const token = generateTenantToken(REFRESH_TOKEN_PREFIX, tenantId);
    return { token, tenantId, id: newId(), sessionId, tokenHash: credentialHash(token), expiresAt: new Date(clock.nowMs() + REFRESH_TOKEN_DAYS * DAY_MS) };
  }

  tenantOf(refreshToken: string): string | null {
    return parseTenantToken(REFRESH_TOKEN_PREFIX, refreshToken)?.tenantId ?? null;
  }

  /** Tells every gateway replica to refuse the revoked sessions' access tokens from now on. */
  async publish(sessionIds: string[]): Promise<void> {
    // One command per session, side by side: on a Redis Cluster the keys live in different slots,
    // which one pipeline cannot span.
    const redis = this.queues.redis;
    await Promise.all(sessionIds.map((id) => redis.set(revokedSessionKey(id), '1', 'EX', REVOKED_SESSION_TTL_SECONDS)));
  }
}
