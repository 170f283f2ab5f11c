import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** A public key the tenant registered to verify DSSE envelopes against. */
export interface SigningKey {
  id: string;
  name: string;
  /** SHA-256 of the key's SubjectPublicKeyInfo (DER), hex: how envelopes and checks name it. */
  keyId: string;
  algorithm: string;
  /** The key, PEM (SPKI). */
  publicKey: string;
  createdAt: string;
}

interface SigningKeyRow {
  id: string;
  name: string;
  key_id: string;
  algorithm: string;
  public_key: string;
  created_at: Date;
}

const COLUMNS = `"id", "name", "key_id", "algorithm", "public_key", "created_at"`;
/** The most keys one tenant registers (and one ingestion tries). */
export const MAX_SIGNING_KEYS = 100;

const toKey = (row: SigningKeyRow): SigningKey => ({
  id: row.id,
  name: row.name,
  keyId: row.key_id,
  algorithm: row.algorithm,
  publicKey: row.public_key,
  createdAt: row.created_at.toISOString(),
});

@Injectable()
export class SigningKeysRepository {
  /** Inserts the key; null when the tenant already registered it. */
  async insert(manager: EntityManager, tenantId: string, key: Omit<SigningKey, 'createdAt'>): Promise<SigningKey | null> {
    const rows: SigningKeyRow[] = await manager.query(
      `insert into "evidence"."signing_keys" ("tenant_id", "id", "name", "key_id", "algorithm", "public_key")
       values ($1, $2, $3, $4, $5, $6) on conflict ("tenant_id", "key_id") do nothing returning ${COLUMNS}`,
      [tenantId, key.id, key.name, key.keyId, key.algorithm, key.publicKey],
    );
    return rows[0] ? toKey(rows[0]) : null;
  }

  async count(manager: EntityManager, tenantId: string): Promise<number> {
    const [row] = await manager.query(`select count(*)::int as n from "evidence"."signing_keys" where "tenant_id" = $1`, [tenantId]);
    return Number(row?.n ?? 0);
  }

  /** The tenant's keys, newest first. */
  async list(manager: EntityManager, tenantId: string): Promise<SigningKey[]> {
    const rows: SigningKeyRow[] = await manager.query(
      `select ${COLUMNS} from "evidence"."signing_keys" where "tenant_id" = $1 order by "created_at" desc, "id" desc limit ${MAX_SIGNING_KEYS}`,
      [tenantId],
    );
    return rows.map(toKey);
  }

  async delete(manager: EntityManager, tenantId: string, id: string): Promise<boolean> {
    const [, count]: [unknown, number] = await manager.query(`delete from "evidence"."signing_keys" where "tenant_id" = $1 and "id" = $2`, [tenantId, id]);
    return count > 0;
  }
}
