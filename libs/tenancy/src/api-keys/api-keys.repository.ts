import { updateReturning } from '@assay/shared/database';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface ApiKeyRow {
  tenant_id: string;
  id: string;
  name: string;
  prefix: string;
  key_hash: string;
  scopes: string[];
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

/** What the gateway's key check reads. */
export type ApiKeyCredentialRow = Pick<ApiKeyRow, 'tenant_id' | 'id' | 'key_hash' | 'scopes' | 'expires_at' | 'revoked_at' | 'last_used_at'>;

/** `tenancy.api_keys`: stored as a hash, found by id before the tenant is known (as the system role). */
@Injectable()
export class ApiKeysRepository {
  async insert(
    manager: EntityManager,
    key: { tenantId: string; id: string; name: string; prefix: string; keyHash: string; scopes: string[]; createdBy: string | null; expiresAt: Date | null },
  ): Promise<ApiKeyRow> {
    const [row]: ApiKeyRow[] = await manager.query(
      `insert into tenancy.api_keys (tenant_id, id, name, prefix, key_hash, scopes, created_by, expires_at) values ($1, $2, $3, $4, $5, $6, $7, $8) returning *`,
      [key.tenantId, key.id, key.name, key.prefix, key.keyHash, key.scopes, key.createdBy, key.expiresAt],
    );
    return row as ApiKeyRow;
  }

  /** Newest first, after the cursor's id. */
  async list(manager: EntityManager, tenantId: string, beforeId: string | null, limit: number): Promise<ApiKeyRow[]> {
    return manager.query(`select * from tenancy.api_keys where tenant_id = $1 and ($2::uuid is null or id < $2::uuid) order by id desc limit $3`, [
      tenantId,
      beforeId,
      limit,
    ]);
  }

  async find(manager: EntityManager, tenantId: string, id: string): Promise<ApiKeyRow | null> {
    const [row]: ApiKeyRow[] = await manager.query(`select * from tenancy.api_keys where tenant_id = $1 and id = $2`, [tenantId, id]);
    return row ?? null;
  }

  /** Revokes the key (keeping the first revocation time); null when there is no such key. */
  async revoke(manager: EntityManager, tenantId: string, id: string): Promise<ApiKeyRow | null> {
    const [row] = await updateReturning<ApiKeyRow>(
      manager,
      `update tenancy.api_keys set revoked_at = coalesce(revoked_at, app.now()) where tenant_id = $1 and id = $2 returning *`,
      [tenantId, id],
    );
    return row ?? null;
  }

  /** A key by id in any tenant: only for the system role, which may read keys and stamp their use. */
  async findCredential(manager: EntityManager, id: string): Promise<ApiKeyCredentialRow | null> {
    const [row]: ApiKeyCredentialRow[] = await manager.query(
      `select tenant_id, id, key_hash, scopes, expires_at, revoked_at, last_used_at from tenancy.api_keys where id = $1`,
      [id],
    );
    return row ?? null;
  }

  async stampUse(manager: EntityManager, id: string): Promise<void> {
    await manager.query(`update tenancy.api_keys set last_used_at = app.now() where id = $1`, [id]);
  }
}
