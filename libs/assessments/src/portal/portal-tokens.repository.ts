import type { ScopedPortalLinkKind } from '@assay/shared/contracts';
import { updateReturning } from '@assay/shared/database';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface NewPortalToken {
  id: string;
  assessmentId: string;
  contactId: string;
  tokenHash: string;
  createdBy: string | null;
  expiresAt: Date;
  /** Renewal, findings and inquiry links; absent for an assessment link. */
  link?: ScopedPortalLinkKind;
  evidenceId?: string;
  inquiryId?: string;
}

export interface PortalTokenRow {
  id: string;
  contact_id: string;
  link: ScopedPortalLinkKind | null;
  evidence_id: string | null;
  inquiry_id: string | null;
  created_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

/** A token with what its check needs: its assessment's status and whether its contact was removed. */
export interface TokenCheckRow {
  id: string;
  assessment_id: string;
  contact_id: string;
  token_hash: string;
  link: ScopedPortalLinkKind | null;
  evidence_id: string | null;
  inquiry_id: string | null;
  expires_at: Date;
  revoked_at: Date | null;
  last_used_at: Date | null;
  status: string;
  contact_removed_at: Date | null;
}

/** Supplier portal tokens, stored as hashes. */
@Injectable()
export class PortalTokensRepository {
  async insert(m: EntityManager, tenantId: string, token: NewPortalToken): Promise<void> {
    await m.query(
      `insert into assessments.portal_tokens (tenant_id, id, assessment_id, contact_id, token_hash, created_by, expires_at, link, evidence_id, inquiry_id)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        tenantId,
        token.id,
        token.assessmentId,
        token.contactId,
        token.tokenHash,
        token.createdBy,
        token.expiresAt,
        token.link ?? null,
        token.evidenceId ?? null,
        token.inquiryId ?? null,
      ],
    );
  }

  /** The assessment's links, oldest first. */
  async ofAssessment(m: EntityManager, tenantId: string, assessmentId: string): Promise<PortalTokenRow[]> {
    return m.query(
      `select id, contact_id, link, evidence_id, inquiry_id, created_at, expires_at, revoked_at, last_used_at from assessments.portal_tokens where tenant_id = $1 and assessment_id = $2 order by id`,
      [tenantId, assessmentId],
    );
  }

  /** Revokes one link of the assessment (again: no change); false when it has no such link. */
  async revoke(m: EntityManager, tenantId: string, assessmentId: string, id: string): Promise<boolean> {
    const [row] = await updateReturning<{ id: string }>(
      m,
      `update assessments.portal_tokens set revoked_at = coalesce(revoked_at, app.now()) where tenant_id = $1 and assessment_id = $2 and id = $3 returning id`,
      [tenantId, assessmentId, id],
    );
    return Boolean(row);
  }

  /** Revokes every link issued to a contact (when the contact is removed); revoked ones keep their time. */
  async revokeForContact(m: EntityManager, tenantId: string, contactId: string): Promise<void> {
    await m.query(`update assessments.portal_tokens set revoked_at = app.now() where tenant_id = $1 and contact_id = $2 and revoked_at is null`, [
      tenantId,
      contactId,
    ]);
  }

  /** Revokes the renewal links of a piece of evidence (it was renewed: they have done their work); their ids. */
  async revokeRenewalLinks(m: EntityManager, tenantId: string, evidenceId: string): Promise<string[]> {
    const rows = await updateReturning<{ id: string }>(
      m,
      `update assessments.portal_tokens set revoked_at = app.now() where tenant_id = $1 and evidence_id = $2 and link = 'renewal' and revoked_at is null returning id`,
      [tenantId, evidenceId],
    );
    return rows.map((row) => row.id);
  }

  /** Keeps every unrevoked link of the assessment valid until at least `until` (a moved due date). */
  async extendUntil(m: EntityManager, tenantId: string, assessmentId: string, until: Date): Promise<void> {
    await m.query(
      `update assessments.portal_tokens set expires_at = greatest(expires_at, $3) where tenant_id = $1 and assessment_id = $2 and link is null and revoked_at is null`,
      [tenantId, assessmentId, until],
    );
  }

  /** Ends every assessment link of an assessment: they stop working on the next request (its renewal and findings links live on). */
  async expireAll(m: EntityManager, tenantId: string, assessmentId: string): Promise<void> {
    await m.query(
      `update assessments.portal_tokens set expires_at = least(expires_at, app.now()) where tenant_id = $1 and assessment_id = $2 and link is null`,
      [tenantId, assessmentId],
    );
  }

  async findByHash(m: EntityManager, tenantId: string, tokenHash: string): Promise<TokenCheckRow | null> {
    const [row]: TokenCheckRow[] = await m.query(
      `select t.id, t.assessment_id, t.contact_id, t.token_hash, t.link, t.evidence_id, t.inquiry_id, t.expires_at, t.revoked_at, t.last_used_at, a.status, c.removed_at as contact_removed_at
       from assessments.portal_tokens t
       join assessments.assessments a on a.tenant_id = t.tenant_id and a.id = t.assessment_id
       join assessments.supplier_contacts c on c.tenant_id = t.tenant_id and c.id = t.contact_id
       where t.tenant_id = $1 and t.token_hash = $2`,
      [tenantId, tokenHash],
    );
    return row ?? null;
  }

  async markUsed(m: EntityManager, tenantId: string, id: string): Promise<void> {
    await m.query(`update assessments.portal_tokens set last_used_at = app.now() where tenant_id = $1 and id = $2`, [tenantId, id]);
  }
}
