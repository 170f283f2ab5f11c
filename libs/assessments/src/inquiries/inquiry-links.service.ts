import type { DomainEvent } from '@assay/shared/contracts';
import { TenantDatabase } from '@assay/shared/database';
import { Injectable } from '@nestjs/common';
import { emit } from '../assessments-writes';
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
    private readonly links: InquiryLinksRepository,
  ) {}

  async issue(event: DomainEvent<'inquiry.sent'>): Promise<void> {
    const tenantId = event.tenantId;
    const data = event.data;
    await this.database.run(async (m) => {
      const contacts = await this.links.recipients(m, tenantId, data.supplierId, data.inquiryId);
      if (!contacts.length) return;
      const recipients = await this.portalTokens.issueScoped(
        m,
        tenantId,
        contacts,
        { link: 'inquiry', inquiryId: data.inquiryId, dueAt: new Date(data.dueAt) },
        { inquiryId: data.inquiryId },
      );
      await emit(m, tenantId, 'inquiry.links_issued', { ...data, recipients });
    }, tenantId);
  }
}
