import { CredentialLinkSealer, PORTAL_TOKEN_PREFIX, credentialHash, generateTenantToken, hashesEqual, parseTenantToken } from '@assay/shared/auth';
import { APP_CONFIG, AppConfig } from '@assay/shared/config';
import { TenantDatabase, newId } from '@assay/shared/database';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CLOSED_STATUSES } from '../assessments/assessment-status';

/** A portal link lasts 60 days at most, and never beyond the assessment's closure. */
export const PORTAL_TOKEN_LIFETIME_MS = 60 * 86_400_000;
const LAST_USED_RESOLUTION_MS = 60_000;

export interface IssuedPortalLink {
  id: string;
  contactId: string;
  token: string;
  url: string;
  expiresAt: string;
}

/** What the gateway learns from a valid portal token. */
export interface VerifiedPortalToken {
  tenantId: string;
  tokenId: string;
  assessmentId: string;
  contactId: string;
}

interface TokenCheckRow {
  id: string;
  assessment_id: string;
  contact_id: string;
  token_hash: string;
  expires_at: Date;
  revoked_at: Date | null;
  last_used_at: Date | null;
  status: string;
  contact_removed_at: Date | null;
}

/**
 * Supplier portal tokens: `assay_portal_<base64url(tenant ‖ 32 random bytes)>`, bound to one tenant,
 * assessment and contact, stored as SHA-256, expiring and revocable. The tenant inside the token lets
 * the check open that tenant's row-level-security scope; a forged tenant finds nothing.
 */
@Injectable()
export class PortalTokensService {
  private readonly links: CredentialLinkSealer;

  constructor(
    private readonly database: TenantDatabase,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.links = new CredentialLinkSealer(config.dataEncryptionKey);
  }

  /** Mints a link inside the caller's transaction; the token itself is returned only here. */
  async issue(m: EntityManager, tenantId: string, assessmentId: string, contactId: string, createdBy: string | null): Promise<IssuedPortalLink> {
    const id = newId();
    const token = generateTenantToken(PORTAL_TOKEN_PREFIX, tenantId);
    const expiresAt = new Date(Date.now() + PORTAL_TOKEN_LIFETIME_MS);
    await m.query(
      `insert into assessments.portal_tokens (tenant_id, id, assessment_id, contact_id, token_hash, created_by, expires_at) values ($1, $2, $3, $4, $5, $6, $7)`,
      [tenantId, id, assessmentId, contactId, credentialHash(token), createdBy, expiresAt],
    );
    return { id, contactId, token, url: this.portalUrl(token), expiresAt: expiresAt.toISOString() };
  }

  /** A link as events carry it to the email that delivers it: sealed, never plaintext at rest. */
  sealedForDelivery(tenantId: string, link: IssuedPortalLink): string {
    return this.links.sealLink(tenantId, link.url);
  }

  portalUrl(token: string): string {
    return `${this.config.publicUrl}/portal?token=${encodeURIComponent(token)}`;
  }

  /** Ends every link of an assessment (on closure): they stop working on the next request. */
  async expireAll(m: EntityManager, tenantId: string, assessmentId: string): Promise<void> {
    await m.query(`update assessments.portal_tokens set expires_at = least(expires_at, now()) where tenant_id = $1 and assessment_id = $2`, [
      tenantId,
      assessmentId,
    ]);
  }

  async verify(token: string): Promise<VerifiedPortalToken | null> {
    const parsed = parseTenantToken(PORTAL_TOKEN_PREFIX, token);
    if (!parsed) return null;
    const hash = credentialHash(token);
    return this.database.run(async (m) => {
      const [row]: TokenCheckRow[] = await m.query(
        `select t.id, t.assessment_id, t.contact_id, t.token_hash, t.expires_at, t.revoked_at, t.last_used_at, a.status, c.removed_at as contact_removed_at
         from assessments.portal_tokens t
         join assessments.assessments a on a.tenant_id = t.tenant_id and a.id = t.assessment_id
         join assessments.supplier_contacts c on c.tenant_id = t.tenant_id and c.id = t.contact_id
         where t.tenant_id = $1 and t.token_hash = $2`,
        [parsed.tenantId, hash],
      );
      if (!row || !hashesEqual(row.token_hash, hash)) return null;
      if (row.revoked_at || row.expires_at <= new Date() || row.contact_removed_at || (CLOSED_STATUSES as readonly string[]).includes(row.status)) return null;
      if (!row.last_used_at || Date.now() - row.last_used_at.getTime() > LAST_USED_RESOLUTION_MS) {
        await m.query(`update assessments.portal_tokens set last_used_at = now() where tenant_id = $1 and id = $2`, [parsed.tenantId, row.id]);
      }
      return { tenantId: parsed.tenantId, tokenId: row.id, assessmentId: row.assessment_id, contactId: row.contact_id };
    }, parsed.tenantId);
  }
}
