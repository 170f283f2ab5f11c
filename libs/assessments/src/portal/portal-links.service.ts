import { clock } from '@assay/shared/clock';
import { PortalLinkKind, TenantIdentity } from '@assay/shared/contracts';
import { TenantDatabase } from '@assay/shared/database';
import { ConflictProblem, NotFoundProblem } from '@assay/shared/http';
import { Injectable } from '@nestjs/common';
import { audit } from '../assessments-writes';
import { AssessmentReadModel } from '../assessments/assessment-read-model';
import { CLOSED_STATUSES } from '../assessments/assessment-status';
import { PortalTokensRepository } from './portal-tokens.repository';
import { IssuedPortalLink, PortalTokensService } from './portal-tokens.service';

export interface PortalLinkView {
  id: string;
  contactId: string;
  /** `assessment`, or a `renewal` link (of `evidenceId`), a `findings` link or an `inquiry` link (of `inquiryId`) issued for this assessment's supplier. */
  link: PortalLinkKind;
  evidenceId?: string;
  inquiryId?: string;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
  status: 'revoked' | 'expired' | 'active';
}

/**
 * The customer's management of an assessment's portal links: one shared by hand, the list, revocation.
 * The list includes the renewal, findings and inquiry links issued for the assessment's supplier through it.
 */
@Injectable()
export class PortalLinksService {
  constructor(
    private readonly database: TenantDatabase,
    private readonly reads: AssessmentReadModel,
    private readonly portalTokens: PortalTokensService,
    private readonly tokens: PortalTokensRepository,
  ) {}

  /** A link to share by hand with one contact of the supplier (the assessment must have been sent). */
  async create(identity: TenantIdentity, id: string, contactId: string): Promise<IssuedPortalLink> {
    const tenantId = identity.tenantId;
    return this.database.run(async (m) => {
      const row = await this.reads.assessment(m, tenantId, id);
      const contact = (await this.reads.contacts(m, row)).find((candidate) => candidate.id === contactId);
      if (!contact) throw new NotFoundProblem('Contact');
      if (row.status === 'draft') throw new ConflictProblem('Send the assessment before sharing portal links');
      if (CLOSED_STATUSES.includes(row.status)) throw new ConflictProblem(`The assessment is ${row.status}`);
      const { link, row: token } = this.portalTokens.mint(tenantId, row.id, contact.id, identity.principalId, row.due_at);
      await this.tokens.insert(m, tenantId, token);
      await audit(m, tenantId, {
        action: 'portal_link.created',
        targetType: 'portal_link',
        targetId: link.id,
        changes: { assessmentId: id, contactId, expiresAt: link.expiresAt },
      });
      return link;
    }, tenantId);
  }

  async list(tenantId: string, id: string): Promise<PortalLinkView[]> {
    return this.database.run(async (m) => {
      await this.reads.assessment(m, tenantId, id);
      const rows = await this.tokens.ofAssessment(m, tenantId, id);
      return rows.map((row) => ({
        id: row.id,
        contactId: row.contact_id,
        link: row.link ?? 'assessment',
        ...(row.evidence_id ? { evidenceId: row.evidence_id } : {}),
        ...(row.inquiry_id ? { inquiryId: row.inquiry_id } : {}),
        createdAt: row.created_at.toISOString(),
        expiresAt: row.expires_at.toISOString(),
        revokedAt: row.revoked_at?.toISOString() ?? null,
        lastUsedAt: row.last_used_at?.toISOString() ?? null,
        status: row.revoked_at ? 'revoked' : row.expires_at <= clock.now() ? 'expired' : 'active',
      }));
    }, tenantId);
  }

  async revoke(identity: TenantIdentity, id: string, linkId: string): Promise<void> {
    const tenantId = identity.tenantId;
    await this.database.run(async (m) => {
      if (!(await this.tokens.revoke(m, tenantId, id, linkId))) throw new NotFoundProblem('Portal link');
      await audit(m, tenantId, { action: 'portal_link.revoked', targetType: 'portal_link', targetId: linkId, changes: { assessmentId: id } });
    }, tenantId);
  }
}
