import { updateReturning } from '@assay/shared/database';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** A sign-in session about to be recorded. */
export interface NewSession {
  tenantId: string;
  id: string;
  userId: string;
  mfa: boolean;
  expiresAt: Date;
  userAgent: string | null;
  ip: string;
}

/** A refresh token about to be recorded (only its hash is stored). */
export interface NewRefreshToken {
  tenantId: string;
  id: string;
  sessionId: string;
  tokenHash: string;
  expiresAt: Date;
}

/** A presented refresh token with the session it belongs to. */
export interface RefreshTokenRow {
  id: string;
  session_id: string;
  spent_at: Date | null;
  expires_at: Date;
  user_id: string;
  mfa: boolean;
  revoked_at: Date | null;
  session_expires_at: Date;
}

/** `tenancy.sessions` and their families of rotating `tenancy.refresh_tokens`. */
@Injectable()
export class SessionsRepository {
  /** Records a session and its first refresh token. */
  async insert(manager: EntityManager, session: NewSession, refreshToken: NewRefreshToken): Promise<void> {
    await manager.query(`insert into tenancy.sessions (tenant_id, id, user_id, mfa, expires_at, user_agent, ip) values ($1, $2, $3, $4, $5, $6, $7)`, [
      session.tenantId,
      session.id,
      session.userId,
      session.mfa,
      session.expiresAt,
      session.userAgent,
      session.ip,
    ]);
    await this.insertRefreshToken(manager, refreshToken);
  }

  async insertRefreshToken(manager: EntityManager, token: NewRefreshToken): Promise<void> {
    await manager.query(`insert into tenancy.refresh_tokens (tenant_id, id, session_id, token_hash, expires_at) values ($1, $2, $3, $4, $5)`, [
      token.tenantId,
      token.id,
      token.sessionId,
      token.tokenHash,
      token.expiresAt,
    ]);
  }

  /** The refresh token with this hash and its session, both locked until the transaction ends. */
  async lockByRefreshToken(manager: EntityManager, tenantId: string, tokenHash: string): Promise<RefreshTokenRow | null> {
    const [row]: RefreshTokenRow[] = await manager.query(
      `select rt.id, rt.session_id, rt.spent_at, rt.expires_at, s.user_id, s.mfa, s.revoked_at, s.expires_at as session_expires_at
           from tenancy.refresh_tokens rt join tenancy.sessions s on s.tenant_id = rt.tenant_id and s.id = rt.session_id
          where rt.tenant_id = $1 and rt.token_hash = $2 for update of rt, s`,
      [tenantId, tokenHash],
    );
    return row ?? null;
  }

  async sessionOfRefreshToken(manager: EntityManager, tenantId: string, tokenHash: string): Promise<string | null> {
    const [row]: { session_id: string }[] = await manager.query(`select session_id from tenancy.refresh_tokens where tenant_id = $1 and token_hash = $2`, [
      tenantId,
      tokenHash,
    ]);
    return row?.session_id ?? null;
  }

  /** Spends a refresh token and notes when its session was last refreshed. */
  async spend(manager: EntityManager, tenantId: string, refreshTokenId: string, sessionId: string): Promise<void> {
    await manager.query(`update tenancy.refresh_tokens set spent_at = app.now() where tenant_id = $1 and id = $2`, [tenantId, refreshTokenId]);
    await manager.query(`update tenancy.sessions set last_refreshed_at = app.now() where tenant_id = $1 and id = $2`, [tenantId, sessionId]);
  }

  /** The session now holds a second factor (unless it has been revoked). */
  async markMfa(manager: EntityManager, tenantId: string, sessionId: string): Promise<void> {
    await manager.query(`update tenancy.sessions set mfa = true where tenant_id = $1 and id = $2 and revoked_at is null`, [tenantId, sessionId]);
  }

  /** Revokes the session, or every session of the user; returns the ids revoked now. */
  async revoke(manager: EntityManager, tenantId: string, where: { sessionId?: string; userId?: string }, reason: string): Promise<string[]> {
    const rows = await updateReturning<{ id: string }>(
      manager,
      `update tenancy.sessions set revoked_at = app.now(), revoke_reason = $4
        where tenant_id = $1 and revoked_at is null and (($2::uuid is not null and id = $2) or ($3::uuid is not null and user_id = $3))
        returning id`,
      [tenantId, where.sessionId ?? null, where.userId ?? null, reason],
    );
    return rows.map((row) => row.id);
  }
}
