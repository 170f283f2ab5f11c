import { clock } from '@assay/shared/clock';
import { CredentialLinkSealer, PORTAL_TOKEN_PREFIX, credentialHash, generateTenantToken, hashesEqual, parseTenantToken } from '@assay/shared/auth';
import { APP_CONFIG, AppConfig } from '@assay/shared/config';
import type { VerifiedPortalToken } from '@assay/shared/contracts';
import { TenantDatabase, newId } from '@assay/shared/database';
import { Inject, Injectable } from '@nestjs/common';
import type { AssessmentRecipient } from '@assay/shared/contracts';
import type { EntityManager } from 'typeorm';
import { audit } from '../assessments-writes';
import { CLOSED_STATUSES } from '../assessments/assessment-status';
import { NewPortalToken, PortalTokensRepository } from './portal-tokens.repository';

/** A portal link lasts at least 60 days from issue... */
export const PORTAL_TOKEN_LIFETIME_MS = 60 * 86_400_000;
/** ...and at least 30 days past the assessment's due date, moved dates included (never beyond closure or revocation). */
export const PORTAL_LINK_AFTER_DUE_MS = 30 * 86_400_000;

/** The least a link stays valid for an assessment due at `dueAt`. */
export function linkValidUntil(dueAt: Date): Date {
  return new Date(dueAt.getTime() + PORTAL_LINK_AFTER_DUE_MS);
}
const LAST_USED_RESOLUTION_MS = 60_000;

export interface IssuedPortalLink {
  id: string;
  contactId: string;
  token: string;
  url: string;
  expiresAt: string;
}

/** A renewal link lasts until 30 days after the evidence it renews stops being valid (at least 30 days from issue). */
export const RENEWAL_LINK_AFTER_EXPIRY_MS = 30 * 86_400_000;
/** A findings link lasts 180 days from issue, and at least 90 days past the finding's remediation date; each new finding brings a fresh one. */
export const FINDINGS_LINK_LIFETIME_MS = 180 * 86_400_000;
export const FINDINGS_LINK_AFTER_REMEDIATION_MS = 90 * 86_400_000;

/** An inquiry link lasts until 30 days after the inquiry's due date (at least 60 days from issue, like an assessment link). */
export const INQUIRY_LINK_AFTER_DUE_MS = 30 * 86_400_000;

/** A supplier contact a scoped link goes to, with the assessment the link is bound to. */
export interface ScopedLinkRecipientRow {
  id: string;
  name: string;
  email: string;
  is_senior_responsible_owner: boolean;
  assessment_id: string;
}

/** What a renewal, findings or inquiry link is scoped to. */
export type ScopedLink =
  | { link: 'renewal'; evidenceId: string; validUntil: Date }
  | { link: 'findings'; remediationDueAt: Date | null }
  | { link: 'inquiry'; inquiryId: string; dueAt: Date };

/** When a scoped link stops working. */
function scopedLinkExpiry(scope: ScopedLink, nowMs: number): Date {
  if (scope.link === 'renewal') return new Date(Math.max(nowMs, scope.validUntil.getTime()) + RENEWAL_LINK_AFTER_EXPIRY_MS);
  if (scope.link === 'inquiry') return new Date(Math.max(nowMs + PORTAL_TOKEN_LIFETIME_MS, scope.dueAt.getTime() + INQUIRY_LINK_AFTER_DUE_MS));
  return new Date(nowMs + FINDINGS_LINK_LIFETIME_MS);
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
    private readonly tokens: PortalTokensRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.links = new CredentialLinkSealer(config.dataEncryptionKey);
  }

  /**
   * A new link and the row that stores it (the caller inserts it in its transaction); the token
   * itself is returned only here.
   */
  mint(tenantId: string, assessmentId: string, contactId: string, createdBy: string | null, dueAt: Date): { link: IssuedPortalLink; row: NewPortalToken } {
    const id = newId();
    const token = generateTenantToken(PORTAL_TOKEN_PREFIX, tenantId);
    const expiresAt = new Date(Math.max(clock.nowMs() + PORTAL_TOKEN_LIFETIME_MS, linkValidUntil(dueAt).getTime()));
    return {
      link: { id, contactId, token, url: this.portalUrl(token), expiresAt: expiresAt.toISOString() },
      row: { id, assessmentId, contactId, tokenHash: credentialHash(token), createdBy, expiresAt },
    };
  }

  /**
   * A renewal link (scoped to one piece of evidence), a findings link (scoped to the findings of the
   * supplier of `assessmentId`) or an inquiry link (scoped to one inquiry) for one contact; the caller
   * inserts the row in its transaction.
   */
  mintScoped(tenantId: string, assessmentId: string, contactId: string, scope: ScopedLink): { link: IssuedPortalLink; row: NewPortalToken } {
    const id = newId();
    const token = generateTenantToken(PORTAL_TOKEN_PREFIX, tenantId);
    const expiresAt = scopedLinkExpiry(scope, clock.nowMs());
    return {
      link: { id, contactId, token, url: this.portalUrl(token), expiresAt: expiresAt.toISOString() },
      row: {
        id,
        assessmentId,
        contactId,
        tokenHash: credentialHash(token),
        createdBy: null,
        expiresAt,
        link: scope.link,
        ...(scope.link === 'renewal' ? { evidenceId: scope.evidenceId } : {}),
        ...(scope.link === 'inquiry' ? { inquiryId: scope.inquiryId } : {}),
      },
    };
  }

  /**
   * A link of `scope` for each contact, stored and audited in the caller's transaction (`changes` say
   * what it is for); the recipients as the event that emails the links carries them (sealed).
   */
  async issueScoped(
    m: EntityManager,
    tenantId: string,
    contacts: ScopedLinkRecipientRow[],
    scope: ScopedLink,
    changes: Record<string, unknown>,
  ): Promise<AssessmentRecipient[]> {
    const recipients: AssessmentRecipient[] = [];
    for (const contact of contacts) {
      recipients.push({
        contactId: contact.id,
        name: contact.name,
        email: contact.email,
        isSeniorResponsibleOwner: contact.is_senior_responsible_owner,
        portalUrl: await this.issueScopedLink(m, tenantId, contact.assessment_id, contact.id, scope, changes),
      });
    }
    return recipients;
  }

  /**
   * One link of `scope` for one contact, stored and audited in the caller's transaction (`changes` say
   * what it is for); the link sealed for delivery.
   */
  async issueScopedLink(
    m: EntityManager,
    tenantId: string,
    assessmentId: string,
    contactId: string,
    scope: ScopedLink,
    changes: Record<string, unknown>,
  ): Promise<string> {
    const { link, row } = this.mintScoped(tenantId, assessmentId, contactId, scope);
    await this.tokens.insert(m, tenantId, row);
    await audit(m, tenantId, {
      action: 'portal_link.created',
      targetType: 'portal_link',
      targetId: link.id,
      changes: { link: scope.link, ...changes, assessmentId, contactId, expiresAt: link.expiresAt },
    });
    return this.sealedForDelivery(tenantId, link);
  }

  /** A link as events carry it to the email that delivers it: sealed, never plaintext at rest. */
  sealedForDelivery(tenantId: string, link: IssuedPortalLink): string {
    return this.links.sealLink(tenantId, link.url);
  }

  portalUrl(token: string): string {
    return `${this.config.publicUrl}/portal?token=${encodeURIComponent(token)}`;
  }

  async verify(token: string): Promise<VerifiedPortalToken | null> {
    const parsed = parseTenantToken(PORTAL_TOKEN_PREFIX, token);
    if (!parsed) return null;
    const hash = credentialHash(token);
    return this.database.run(async (m) => {
      const row = await this.tokens.findByHash(m, parsed.tenantId, hash);
      if (!row || !hashesEqual(row.token_hash, hash)) return null;
      if (row.revoked_at || row.expires_at <= clock.now() || row.contact_removed_at) return null;
      // An assessment link ends with its assessment; renewal, findings and inquiry links outlive it.
      if (!row.link && (CLOSED_STATUSES as readonly string[]).includes(row.status)) return null;
      if (!row.last_used_at || clock.nowMs() - row.last_used_at.getTime() > LAST_USED_RESOLUTION_MS) {
        await this.tokens.markUsed(m, parsed.tenantId, row.id);
      }
      return {
        tenantId: parsed.tenantId,
        tokenId: row.id,
        assessmentId: row.assessment_id,
        contactId: row.contact_id,
        ...(row.link ? { link: row.link } : {}),
        ...(row.evidence_id ? { evidenceId: row.evidence_id } : {}),
        ...(row.inquiry_id ? { inquiryId: row.inquiry_id } : {}),
      };
    }, parsed.tenantId);
  }
}
