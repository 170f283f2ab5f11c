import { SecretBox, credentialHash } from '@assay/shared/auth';
import { APP_CONFIG, AppConfig } from '@assay/shared/config';
import { ConflictProblem, ProblemException } from '@assay/shared/http';
import { newId, updateReturning } from '@assay/shared/database';
import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import * as OTPAuth from 'otpauth';
import type { EntityManager } from 'typeorm';

const PERIOD_SECONDS = 30;
const RECOVERY_CODE_COUNT = 10;
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

export interface MfaUserRow {
  id: string;
  email: string;
  totp_secret: string | null;
  totp_enabled_at: Date | null;
  totp_last_step: string | null;
}

/** A second factor as presented at sign-in or to confirm a sensitive change. */
export interface SecondFactor {
  totp?: string;
  recoveryCode?: string;
}

function recoveryCode(): string {
  const bytes = randomBytes(10);
  const chars = [...bytes].map((byte) => ALPHABET[byte % ALPHABET.length]).join('');
  return `${chars.slice(0, 5)}-${chars.slice(5)}`;
}

function normaliseRecoveryCode(code: string): string {
  return code
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

/**
 * TOTP (RFC 6238: SHA-1, 6 digits, 30 s, ±1 step) with the seed sealed at rest, a code accepted at
 * most once (the last used step is stored), and ten single-use recovery codes stored as SHA-256.
 */
@Injectable()
export class MfaService {
  private readonly box: SecretBox;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    if (!config.dataEncryptionKey) throw new Error('DATA_ENCRYPTION_KEY is required by the tenancy service');
    this.box = new SecretBox(config.dataEncryptionKey);
  }

  private totp(user: Pick<MfaUserRow, 'id' | 'email'>, sealedSecret: string): OTPAuth.TOTP {
    return new OTPAuth.TOTP({
      issuer: 'Assay',
      label: user.email,
      algorithm: 'SHA1',
      digits: 6,
      period: PERIOD_SECONDS,
      secret: OTPAuth.Secret.fromBase32(this.box.open(sealedSecret, `totp:${user.id}`)),
    });
  }

  /** Starts (or restarts) enrolment: a new secret the user adds to their authenticator app. */
  async beginEnrolment(manager: EntityManager, user: MfaUserRow): Promise<{ secret: string; otpauthUrl: string }> {
    if (user.totp_enabled_at) throw new ConflictProblem('Two-factor authentication is already on; turn it off first to enrol a new device');
    const secret = new OTPAuth.Secret({ size: 20 }).base32;
    const sealed = this.box.seal(secret, `totp:${user.id}`);
    await manager.query(`update tenancy.users set totp_secret = $2, totp_last_step = null, updated_at = now() where id = $1`, [user.id, sealed]);
    return { secret, otpauthUrl: this.totp(user, sealed).toString() };
  }

  /** Confirms enrolment with a first code; returns the recovery codes (shown this once). */
  async completeEnrolment(manager: EntityManager, user: MfaUserRow, code: string): Promise<string[]> {
    if (user.totp_enabled_at) throw new ConflictProblem('Two-factor authentication is already on');
    if (!user.totp_secret) throw new ConflictProblem('Start enrolment first (POST /api/v1/me/mfa/totp)');
    const step = this.matchingStep(user, user.totp_secret, code);
    if (step === null) throw new ProblemException(400, 'The code is not valid', { errors: [{ field: 'code', message: 'does not match the authenticator' }] });
    await manager.query(`update tenancy.users set totp_enabled_at = now(), totp_last_step = $2, updated_at = now() where id = $1`, [user.id, step]);
    return this.replaceRecoveryCodes(manager, user.id);
  }

  async replaceRecoveryCodes(manager: EntityManager, userId: string): Promise<string[]> {
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, recoveryCode);
    await manager.query(`delete from tenancy.recovery_codes where user_id = $1`, [userId]);
    for (const code of codes) {
      await manager.query(`insert into tenancy.recovery_codes (user_id, id, code_hash) values ($1, $2, $3)`, [
        userId,
        newId(),
        credentialHash(normaliseRecoveryCode(code)),
      ]);
    }
    return codes;
  }

  async disable(manager: EntityManager, userId: string): Promise<void> {
    await manager.query(`update tenancy.users set totp_secret = null, totp_enabled_at = null, totp_last_step = null, updated_at = now() where id = $1`, [
      userId,
    ]);
    await manager.query(`delete from tenancy.recovery_codes where user_id = $1`, [userId]);
  }

  /**
   * Checks a second factor of a user with MFA on, consuming it (a TOTP step or a recovery code can be
   * used once). The user row must be locked by the caller (`for update`).
   */
  async verify(manager: EntityManager, user: MfaUserRow, factor: SecondFactor): Promise<boolean> {
    if (!user.totp_enabled_at || !user.totp_secret) return false;
    if (factor.totp) {
      const step = this.matchingStep(user, user.totp_secret, factor.totp);
      if (step === null || (user.totp_last_step !== null && step <= Number(user.totp_last_step))) return false;
      await manager.query(`update tenancy.users set totp_last_step = $2 where id = $1`, [user.id, step]);
      return true;
    }
    if (factor.recoveryCode) {
      const used: unknown[] = await updateReturning(
        manager,
        `update tenancy.recovery_codes set used_at = now() where user_id = $1 and code_hash = $2 and used_at is null returning id`,
        [user.id, credentialHash(normaliseRecoveryCode(factor.recoveryCode))],
      );
      return used.length === 1;
    }
    return false;
  }

  private matchingStep(user: Pick<MfaUserRow, 'id' | 'email'>, sealedSecret: string, code: string): number | null {
    if (!/^\d{6}$/.test(code)) return null;
    const now = Date.now();
    const delta = this.totp(user, sealedSecret).validate({ token: code, timestamp: now, window: 1 });
    return delta === null ? null : Math.floor(now / 1000 / PERIOD_SECONDS) + delta;
  }
}
