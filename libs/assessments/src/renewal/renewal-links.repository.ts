import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ScopedLinkRecipientRow } from '../portal/portal-tokens.service';

/** What renewal needs beyond the portal links themselves: who receives them, and what follows a renewed piece of evidence. */
@Injectable()
export class RenewalLinksRepository {
  /**
   * Who receives a renewal link: the supplier's contacts (not removed) who received an assessment
   * link of one of its assessments, each with the latest such assessment, and its Senior Responsible
   * Owner even without one (bound to the supplier's latest sent assessment). A contact who uploaded
   * through the portal holds an assessment link, so is among the first. Those who already hold an
   * unrevoked renewal link for the evidence are skipped (a repeated event mints nothing twice).
   */
  async recipients(m: EntityManager, tenantId: string, supplierId: string, evidenceId: string): Promise<ScopedLinkRecipientRow[]> {
    return m.query(
      `with linked as (
         select distinct on (c.id) c.id, c.name, c.email, c.is_senior_responsible_owner, t.assessment_id
         from assessments.portal_tokens t
         join assessments.assessments a on a.tenant_id = t.tenant_id and a.id = t.assessment_id
         join assessments.supplier_contacts c on c.tenant_id = t.tenant_id and c.id = t.contact_id
         where t.tenant_id = $1 and a.supplier_id = $2 and t.link is null and c.removed_at is null
         order by c.id, t.created_at desc, t.id desc
       ), owner as (
         select c.id, c.name, c.email, c.is_senior_responsible_owner, latest.id as assessment_id
         from assessments.supplier_contacts c
         cross join lateral (
           select a.id from assessments.assessments a
           where a.tenant_id = c.tenant_id and a.supplier_id = c.supplier_id and a.status <> 'draft'
           order by a.created_at desc, a.id desc limit 1) latest
         where c.tenant_id = $1 and c.supplier_id = $2 and c.is_senior_responsible_owner and c.removed_at is null
           and not exists (select 1 from linked l where l.id = c.id)
       )
       select r.* from (select * from linked union all select * from owner) r
       where not exists (
         select 1 from assessments.portal_tokens k
         where k.tenant_id = $1 and k.contact_id = r.id and k.evidence_id = $3 and k.link = 'renewal' and k.revoked_at is null)
       order by r.id`,
      [tenantId, supplierId, evidenceId],
    );
  }

  /**
   * Open assessments (not completed or cancelled) follow the replacement: the old evidence's check
   * results leave them (the new one's arrive when it is processed) and answers naming the old one name
   * the new one. A completed assessment is frozen and keeps what it had. The old evidence's digest
   * records its replacement, so a replayed or late `evidence.processed` of it brings nothing back.
   */
  async followReplacement(m: EntityManager, tenantId: string, supplierId: string, oldId: string, newId: string): Promise<void> {
    await m.query(`update assessments.evidence_digests set superseded_by = $4 where tenant_id = $1 and supplier_id = $2 and id = $3`, [
      tenantId,
      supplierId,
      oldId,
      newId,
    ]);
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
