import { newId, updateReturning } from '@assay/shared/database';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** A second factor about to be used: a TOTP time step (each accepted once) or a recovery code's hash. */
export type ConsumableFactor = { totpStep: number } | { recoveryCodeHash: string };

/** A user's second factor: the TOTP columns of `tenancy.users` and `tenancy.recovery_codes`. */
@Injectable()
export class MfaRepository {
  async setSecret(manager: EntityManager, userId: string, sealedSecret: string): Promise<void> {
    await manager.query(`update tenancy.users set totp_secret = $2, totp_last_step = null, updated_at = app.now() where id = $1`, [userId, sealedSecret]);
  }

  async enable(manager: EntityManager, userId: string, step: number): Promise<void> {
    await manager.query(`update tenancy.users set totp_enabled_at = app.now(), totp_last_step = $2, updated_at = app.now() where id = $1`, [userId, step]);
  }

  async disable(manager: EntityManager, userId: string): Promise<void> {
    await manager.query(`update tenancy.users set totp_secret = null, totp_enabled_at = null, totp_last_step = null, updated_at = app.now() where id = $1`, [
      userId,
    ]);
    await manager.query(`delete from tenancy.recovery_codes where user_id = $1`, [userId]);
  }

  async replaceRecoveryCodes(manager: EntityManager, userId: string, codeHashes: string[]): Promise<void> {
    await manager.query(`delete from tenancy.recovery_codes where user_id = $1`, [userId]);
    for (const codeHash of codeHashes) {
      await manager.query(`insert into tenancy.recovery_codes (user_id, id, code_hash) values ($1, $2, $3)`, [userId, newId(), codeHash]);
    }
  }

  /** Marks the factor used; false when a recovery code was already used (or is not the user's). */
  async consume(manager: EntityManager, userId: string, factor: ConsumableFactor): Promise<boolean> {
    if ('totpStep' in factor) {
      await manager.query(`update tenancy.users set totp_last_step = $2 where id = $1`, [userId, factor.totpStep]);
      return true;
    }
    const used: unknown[] = await updateReturning(
      manager,
      `update tenancy.recovery_codes set used_at = app.now() where user_id = $1 and code_hash = $2 and used_at is null returning id`,
      [userId, factor.recoveryCodeHash],
    );
    return used.length === 1;
  }
}
