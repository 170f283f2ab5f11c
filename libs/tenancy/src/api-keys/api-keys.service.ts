import { clock } from '@assay/shared/clock';
import { credentialHash, generateApiKey, hashesEqual, parseApiKey } from '@assay/shared/auth';
import { API_KEY_SCOPES, ApiKeyScope, TenantIdentity, isApiKeyScope } from '@assay/shared/contracts';
import { TenantDatabase, newId } from '@assay/shared/database';
import { NotFoundProblem, Page, ProblemException, decodeCursor, toPage } from '@assay/shared/http';
import { Injectable } from '@nestjs/common';
import { audit } from '../tenancy-writes';
import { ApiKeyRow, ApiKeysRepository } from './api-keys.repository';

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
  status: row.revoked_at ? 'revoked' : row.expires_at && row.expires_at <= clock.now() ? 'expired' : 'active',
});

/** API keys: shown once, stored as SHA-256, scoped, expiring, revocable with effect on the next request. */
@Injectable()
export class ApiKeysService {
  constructor(
    private readonly database: TenantDatabase,
    private readonly keys: ApiKeysRepository,
  ) {}

  async create(identity: TenantIdentity, input: { name: string; scopes: string[]; expiresAt?: string }): Promise<ApiKeyView & { key: string }> {
    const { tenantId } = identity;
    const unknown = input.scopes.filter((scope) => !isApiKeyScope(scope));
    if (unknown.length || input.scopes.length === 0) {
      throw new ProblemException(400, `Scopes must be a non-empty list of: ${API_KEY_SCOPES.join(', ')}`, {
        errors: [{ field: 'scopes', message: unknown.length ? `unknown: ${unknown.slice(0, 5).join(', ')}` : 'at least one scope is required' }],
      });
    }
    let expiresAt: Date | null = null;
    if (input.expiresAt !== undefined) {
      expiresAt = new Date(input.expiresAt);
      if (Number.isNaN(expiresAt.getTime()) || expiresAt.getTime() <= clock.nowMs() || expiresAt.getTime() > clock.nowMs() + MAX_LIFETIME_MS) {
        throw new ProblemException(400, 'expiresAt must be a future date at most two years ahead', {
          errors: [{ field: 'expiresAt', message: 'out of range' }],
        });
      }
    }
    const id = newId();
    const { key, prefix } = generateApiKey(id);
    const scopes = [...new Set(input.scopes)].sort();
    return this.database.run(async (m) => {
      const row = await this.keys.insert(m, {
        tenantId,
        id,
        name: input.name,
        prefix,
        keyHash: credentialHash(key),
        scopes,
        createdBy: identity.principalId,
        expiresAt,
      });
      await audit(m, tenantId, {
        action: 'api_key.created',
        targetType: 'api_key',
        targetId: id,
        changes: { name: input.name, prefix, scopes, expiresAt: expiresAt?.toISOString() ?? null },
      });
      return { ...view(row), key };
    }, tenantId);
  }

  async list(tenantId: string, limit: number, cursor?: string): Promise<Page<ApiKeyView>> {
    const after = decodeCursor(cursor, ['uuid'])?.[0];
    const rows = await this.database.run((m) => this.keys.list(m, tenantId, typeof after === 'string' ? after : null, limit + 1), tenantId);
    const page = toPage(rows, limit, (row) => [row.id]);
    return { data: page.data.map(view), nextCursor: page.nextCursor };
  }

  async get(tenantId: string, id: string): Promise<ApiKeyView> {
    const row = await this.database.run((m) => this.keys.find(m, tenantId, id), tenantId);
    if (!row) throw new NotFoundProblem('API key');
    return view(row);
  }

  async revoke(identity: TenantIdentity, id: string): Promise<ApiKeyView> {
    const { tenantId } = identity;
    return this.database.run(async (m) => {
      const row = await this.keys.revoke(m, tenantId, id);
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
      const row = await this.keys.findCredential(m, parsed.keyId);
      if (!row || !hashesEqual(row.key_hash, credentialHash(key))) return null;
      if (row.revoked_at || (row.expires_at && row.expires_at <= clock.now())) return null;
      if (!row.last_used_at || clock.nowMs() - row.last_used_at.getTime() > LAST_USED_RESOLUTION_MS) {
        await this.keys.stampUse(m, row.id);
      }
      return { tenantId: row.tenant_id, keyId: row.id, scopes: row.scopes };
    });
  }
}
