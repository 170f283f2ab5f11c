import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ScopedLinkRecipientRow } from '../portal/portal-tokens.service';

/** What renewal needs beyond the portal links themselves: who receives them, and what follows a renewed piece of evidence. */
@Injectable()
export class RenewalLinksRepository {
  /**
   * The supplier's contacts (not removed) who received an assessment link of one of its assessments,
   * each with the latest such assessment (the one its renewal link is bound to), skipping those who already hold an unrevoked renewal link
   * for the evidence (so a repeated event mints nothing twice).
   */
  async recipients(m: EntityManager, tenantId: string, supplierId: string, evidenceId: string): Promise<ScopedLinkRecipientRow[]> {
    return m.query(
      `select distinct on (c.id) c.id, c.name, c.email, c.is_senior_responsible_owner, t.assessment_id
       from assessments.portal_tokens t
       join assessments.assessments a on a.tenant_id = t.tenant_id and a.id = t.assessment_id
       join assessments.supplier_contacts c on c.tenant_id = t.tenant_id and c.id = t.contact_id
       where t.tenant_id = $1 and a.supplier_id = $2 and t.link is null and c.removed_at is null
         and not exists (
           select 1 from assessments.portal_tokens r
           where r.tenant_id = t.tenant_id and r.contact_id = c.id and r.evidence_id = $3 and r.link = 'renewal' and r.revoked_at is null)
       order by c.id, t.created_at desc, t.id desc`,
      [tenantId, supplierId, evidenceId],
    );
  }

  /**
   * Open assessments (not completed or cancelled) follow the replacement: the old evidence's check
   * results leave them (the new one's arrive when it is processed) and answers naming the old one name
   * the new one. A completed assessment is frozen and keeps what it had.
   */
  async followReplacement(m: EntityManager, tenantId: string, supplierId: string, oldId: string, newId: string): Promise<void> {
    await m.query(
      `delete from assessments.check_results r using assessments.assessments a
       where r.tenant_id = $1 and r.evidence_id = $3 and a.tenant_id = r.tenant_id and a.id = r.assessment_id
         and a.supplier_id = $2 and a.status not in ('completed', 'cancelled')`,
      [tenantId, supplierId, oldId],
    );
    await m.query(
      `update assessments.claim_responses r set evidence_ids = array(select distinct unnest(array_replace(r.evidence_ids, $3::uuid, $4::uuid)))
       from assessments.assessments a
       where r.tenant_id = $1 and $3::uuid = any(r.evidence_ids) and a.tenant_id = r.tenant_id and a.id = r.assessment_id
         and a.supplier_id = $2 and a.status not in ('completed', 'cancelled')`,
      [tenantId, supplierId, oldId, newId],
    );
  }
}
