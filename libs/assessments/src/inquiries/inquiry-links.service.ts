import type { DomainEvent } from '@assay/shared/contracts';
import { TenantDatabase } from '@assay/shared/database';
import { Injectable } from '@nestjs/common';
import { audit, emit } from '../assessments-writes';
import { PortalTokensRepository } from '../portal/portal-tokens.repository';
import { PortalTokensService } from '../portal/portal-tokens.service';
import { InquiryLinksRepository } from './inquiry-links.repository';

/**
 * Inquiry links: when the customer asks a supplier about an advisory (`inquiry.sent`, from the evidence
 * service), each of the supplier's contacts gets a portal link scoped to that inquiry (hashed, expiring
 * 30 days after the due date and at least 60 days after issue, revocable with the assessment's links),
 * by email (`inquiry.links_issued` carries the sealed links to notifications). A token of this kind
 * reaches only its inquiry.
 */
@Injectable()
export class InquiryLinksService {
  constructor(
    private readonly database: TenantDatabase,
    private readonly portalTokens: PortalTokensService,
    private readonly tokens: PortalTokensRepository,
    private readonly links: InquiryLinksRepository,
  ) {}

  async issue(event: DomainEvent<'inquiry.sent'>): Promise<void> {
    const tenantId = event.tenantId;
    const data = event.data;
    await this.database.run(async (m) => {
      const contacts = await this.links.recipients(m, tenantId, data.supplierId, data.inquiryId);
      if (!contacts.length) return;
      const recipients = [];
      for (const contact of contacts) {
        const { link, row } = this.portalTokens.mintScoped(tenantId, contact.assessment_id, contact.id, {
          link: 'inquiry',
          inquiryId: data.inquiryId,
          dueAt: new Date(data.dueAt),
        });
        await this.tokens.insert(m, tenantId, row);
        await audit(m, tenantId, {
          action: 'portal_link.created',
          targetType: 'portal_link',
          targetId: link.id,
          changes: { link: 'inquiry', inquiryId: data.inquiryId, assessmentId: contact.assessment_id, contactId: contact.id, expiresAt: link.expiresAt },
        });
        recipients.push({
          contactId: contact.id,
          name: contact.name,
          email: contact.email,
          isSeniorResponsibleOwner: contact.is_senior_responsible_owner,
          portalUrl: this.portalTokens.sealedForDelivery(tenantId, link),
        });
      }
      await emit(m, tenantId, 'inquiry.links_issued', { ...data, recipients });
    }, tenantId);
  }
}
