import { clock } from '@assay/shared/clock';
import { SecretBox, credentialHash } from '@assay/shared/auth';
import { APP_CONFIG, AppConfig } from '@assay/shared/config';
import { ConflictProblem, ProblemException } from '@assay/shared/http';
import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import * as OTPAuth from 'otpauth';
import type { ConsumableFactor } from './mfa.repository';
import type { MfaUserRow } from './users.repository';

const PERIOD_SECONDS = 30;
const RECOVERY_CODE_COUNT = 10;
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

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

  /** A new secret (sealed for storage) for the user's authenticator app: enrolment starts or restarts. */
  newSecret(user: MfaUserRow): { secret: string; otpauthUrl: string; sealed: string } {
    if (user.totp_enabled_at) throw new ConflictProblem('Two-factor authentication is already on; turn it off first to enrol a new device');
    const secret = new OTPAuth.Secret({ size: 20 }).base32;
    const sealed = this.box.seal(secret, `totp:${user.id}`);
    return { secret, otpauthUrl: this.totp(user, sealed).toString(), sealed };
  }

  /** The time step of the first code that confirms enrolment; refuses when enrolment is not under way or the code is wrong. */
  enrolmentStep(user: MfaUserRow, code: string): number {
    if (user.totp_enabled_at) throw new ConflictProblem('Two-factor authentication is already on');
    if (!user.totp_secret) throw new ConflictProblem('Start enrolment first (POST /api/v1/me/mfa/totp)');
    const step = this.matchingStep(user, user.totp_secret, code);
    if (step === null) throw new ProblemException(400, 'The code is not valid', { errors: [{ field: 'code', message: 'does not match the authenticator' }] });
    return step;
  }

  /** Ten new recovery codes (shown this once) and the hashes stored in their place. */
  newRecoveryCodes(): { codes: string[]; hashes: string[] } {
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, recoveryCode);
    return { codes, hashes: codes.map((code) => credentialHash(normaliseRecoveryCode(code))) };
  }

  /**
   * What a presented second factor of a user with MFA on would consume (a TOTP step or a recovery
   * code can be used once), or null when it cannot be valid. The user row must be locked by the
   * caller (`for update`) until the factor is consumed.
   */
  consumable(user: MfaUserRow, factor: SecondFactor): ConsumableFactor | null {
    if (!user.totp_enabled_at || !user.totp_secret) return null;
    if (factor.totp) {
      const step = this.matchingStep(user, user.totp_secret, factor.totp);
      if (step === null || (user.totp_last_step !== null && step <= Number(user.totp_last_step))) return null;
      return { totpStep: step };
    }
    if (factor.recoveryCode) return { recoveryCodeHash: credentialHash(normaliseRecoveryCode(factor.recoveryCode)) };
    return null;
  }

  private matchingStep(user: Pick<MfaUserRow, 'id' | 'email'>, sealedSecret: string, code: string): number | null {
    if (!/^\d{6}$/.test(code)) return null;
    const now = clock.nowMs();
    const delta = this.totp(user, sealedSecret).validate({ token: code, timestamp: now, window: 1 });
    return delta === null ? null : Math.floor(now / 1000 / PERIOD_SECONDS) + delta;
  }
}
