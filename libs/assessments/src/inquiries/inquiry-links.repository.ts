import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ScopedLinkRecipientRow } from '../portal/portal-tokens.service';

/** Who receives the links of a supplier inquiry. */
@Injectable()
export class InquiryLinksRepository {
  /**
   * The supplier's contacts (not removed), each with the supplier's latest assessment (what every
   * portal link is bound to), skipping those
   * who already hold an inquiry link for the inquiry (so a repeated event mints nothing twice). None
   * when the supplier has no assessment yet: a portal link is bound to one.
   */
  async recipients(m: EntityManager, tenantId: string, supplierId: string, inquiryId: string): Promise<ScopedLinkRecipientRow[]> {
    return m.query(
      `select c.id, c.name, c.email, c.is_senior_responsible_owner, a.id as assessment_id
         from assessments.supplier_contacts c
         cross join lateral (
           select id from assessments.assessments where tenant_id = c.tenant_id and supplier_id = c.supplier_id order by created_at desc, id desc limit 1) a
        where c.tenant_id = $1 and c.supplier_id = $2 and c.removed_at is null
          and not exists (
            select 1 from assessments.portal_tokens t where t.tenant_id = c.tenant_id and t.contact_id = c.id and t.inquiry_id = $3 and t.link = 'inquiry')
        order by c.created_at, c.id
        limit 50`,
      [tenantId, supplierId, inquiryId],
    );
  }
}
