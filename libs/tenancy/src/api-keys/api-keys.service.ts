import { credentialHash, generateApiKey, hashesEqual, parseApiKey } from '@assay/shared/auth';
import { API_KEY_SCOPES, ApiKeyScope, Identity, isApiKeyScope } from '@assay/shared/contracts';
import { TenantDatabase, newId, updateReturning } from '@assay/shared/database';
import { NotFoundProblem, Page, ProblemException, decodeCursor, toPage } from '@assay/shared/http';
import { Injectable } from '@nestjs/common';
import { audit } from '../tenancy-writes';

export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  scopes: ApiKeyScope[];
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  status: 'active' | 'revoked' | 'expired';
}

interface ApiKeyRow {
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

/** What the gateway learns from a valid key. */
export interface VerifiedApiKey {
  tenantId: string;
  keyId: string;
  scopes: string[];
}

const MAX_LIFETIME_MS = 2 * 366 * 86_400_000;
/** `last_used_at` is stamped at most this often per key, so busy keys do not write on every request. */
const LAST_USED_RESOLUTION_MS = 60_000;

const view = (row: ApiKeyRow): ApiKeyView => ({
  id: row.id,
  name: row.name,
  prefix: row.prefix,
  scopes: row.scopes.filter(isApiKeyScope),
  createdAt: row.created_at.toISOString(),
  expiresAt: row.expires_at?.toISOString() ?? null,
  revokedAt: row.revoked_at?.toISOString() ?? null,
  lastUsedAt: row.last_used_at?.toISOString() ?? null,
  status: row.revoked_at ? 'revoked' : row.expires_at && row.expires_at <= new Date() ? 'expired' : 'active',
});

/** API keys: shown once, stored as SHA-256, scoped, expiring, revocable with effect on the next request. */
@Injectable()
export class ApiKeysService {
  constructor(private readonly database: TenantDatabase) {}

  async create(identity: Identity, input: { name: string; scopes: string[]; expiresAt?: string }): Promise<ApiKeyView & { key: string }> {
    const tenantId = identity.tenantId as string;
    const unknown = input.scopes.filter((scope) => !isApiKeyScope(scope));
    if (unknown.length || input.scopes.length === 0) {
      throw new ProblemException(400, `Scopes must be a non-empty list of: ${API_KEY_SCOPES.join(', ')}`, {
        errors: [{ field: 'scopes', message: unknown.length ? `unknown: ${unknown.slice(0, 5).join(', ')}` : 'at least one scope is required' }],
      });
    }
    let expiresAt: Date | null = null;
    if (input.expiresAt !== undefined) {
      expiresAt = new Date(input.expiresAt);
      if (Number.isNaN(expiresAt.getTime()) || expiresAt.getTime() <= Date.now() || expiresAt.getTime() > Date.now() + MAX_LIFETIME_MS) {
        throw new ProblemException(400, 'expiresAt must be a future date at most two years ahead', {
          errors: [{ field: 'expiresAt', message: 'out of range' }],
        });
      }
    }
    const id = newId();
    const { key, prefix } = generateApiKey(id);
    const scopes = [...new Set(input.scopes)].sort();
    return this.database.run(async (m) => {
      const [row]: ApiKeyRow[] = await m.query(
        `insert into tenancy.api_keys (tenant_id, id, name, prefix, key_hash, scopes, created_by, expires_at) values ($1, $2, $3, $4, $5, $6, $7, $8) returning *`,
        [tenantId, id, input.name, prefix, credentialHash(key), scopes, identity.principalId, expiresAt],
      );
      await audit(m, tenantId, {
        action: 'api_key.created',
        targetType: 'api_key',
        targetId: id,
        changes: { name: input.name, prefix, scopes, expiresAt: expiresAt?.toISOString() ?? null },
      });
      return { ...view(row as ApiKeyRow), key };
    }, tenantId);
  }

  async list(tenantId: string, limit: number, cursor?: string): Promise<Page<ApiKeyView>> {
    const after = decodeCursor(cursor, ['uuid']);
    const rows: ApiKeyRow[] = await this.database.run(
      (m) =>
        m.query(`select * from tenancy.api_keys where tenant_id = $1 and ($2::uuid is null or id < $2::uuid) order by id desc limit $3`, [
          tenantId,
          after?.[0] ?? null,
          limit + 1,
        ]),
      tenantId,
    );
    const page = toPage(rows, limit, (row) => [row.id]);
    return { data: page.data.map(view), nextCursor: page.nextCursor };
  }

  async get(tenantId: string, id: string): Promise<ApiKeyView> {
    const [row]: ApiKeyRow[] = await this.database.run(
      (m) => m.query(`select * from tenancy.api_keys where tenant_id = $1 and id = $2`, [tenantId, id]),
      tenantId,
    );
    if (!row) throw new NotFoundProblem('API key');
    return view(row);
  }

  async revoke(identity: Identity, id: string): Promise<ApiKeyView> {
    const tenantId = identity.tenantId as string;
    return this.database.run(async (m) => {
      const [row] = await updateReturning<ApiKeyRow>(
        m,
        `update tenancy.api_keys set revoked_at = coalesce(revoked_at, now()) where tenant_id = $1 and id = $2 returning *`,
        [tenantId, id],
      );
      if (!row) throw new NotFoundProblem('API key');
      await audit(m, tenantId, { action: 'api_key.revoked', targetType: 'api_key', targetId: id, changes: { prefix: row.prefix } });
      return view(row);
    }, tenantId);
  }

  /**
   * Verifies a presented key for the gateway: checksum, then the record by id (as the system role,
   * since the tenant is not known yet), constant-time hash comparison, revocation and expiry.
   */
  async verify(key: string): Promise<VerifiedApiKey | null> {
    const parsed = parseApiKey(key);
    if (!parsed) return null;
    return this.database.runAsSystem(async (m) => {
      const [row]: ApiKeyRow[] = await m.query(
        `select tenant_id, id, key_hash, scopes, expires_at, revoked_at, last_used_at from tenancy.api_keys where id = $1`,
        [parsed.keyId],
      );
      if (!row || !hashesEqual(row.key_hash, credentialHash(key))) return null;
      if (row.revoked_at || (row.expires_at && row.expires_at <= new Date())) return null;
      if (!row.last_used_at || Date.now() - row.last_used_at.getTime() > LAST_USED_RESOLUTION_MS) {
        await m.query(`update tenancy.api_keys set last_used_at = now() where id = $1`, [row.id]);
      }
      return { tenantId: row.tenant_id, keyId: row.id, scopes: row.scopes };
    });
  }
}
