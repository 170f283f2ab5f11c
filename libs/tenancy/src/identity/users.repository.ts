import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** A person's account (global: one person may belong to several tenants). */
export interface UserRow {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  totp_secret: string | null;
  totp_enabled_at: Date | null;
  totp_last_step: string | null;
  created_at: Date;
}

/** What the second factor needs of a user's row. */
export type MfaUserRow = Pick<UserRow, 'id' | 'email' | 'totp_secret' | 'totp_enabled_at' | 'totp_last_step'>;

/** `tenancy.users`: accounts, found by id or by (normalised) email. */
@Injectable()
export class UsersRepository {
  async findByEmail(manager: EntityManager, normalisedEmail: string): Promise<UserRow | null> {
    const rows: UserRow[] = await manager.query(`select * from tenancy.users where lower(email) = $1`, [normalisedEmail]);
    return rows[0] ?? null;
  }

  async find(manager: EntityManager, userId: string): Promise<UserRow | null> {
    const [user]: UserRow[] = await manager.query(`select * from tenancy.users where id = $1`, [userId]);
    return user ?? null;
  }

  /** The user's row, locked until the transaction ends (second-factor checks consume codes). */
  async lock(manager: EntityManager, userId: string): Promise<UserRow | null> {
    const [user]: UserRow[] = await manager.query(`select * from tenancy.users where id = $1 for update`, [userId]);
    return user ?? null;
  }

  async name(manager: EntityManager, userId: string): Promise<string | null> {
    const [user]: { name: string }[] = await manager.query(`select name from tenancy.users where id = $1`, [userId]);
    return user?.name ?? null;
  }

  /** Rejects with the driver's unique-violation error (code 23505) when the email is taken. */
  async insert(manager: EntityManager, user: { id: string; email: string; name: string; passwordHash: string }): Promise<void> {
    await manager.query(`insert into tenancy.users (id, email, name, password_hash) values ($1, $2, $3, $4)`, [
      user.id,
      user.email,
      user.name,
      user.passwordHash,
    ]);
  }
}
