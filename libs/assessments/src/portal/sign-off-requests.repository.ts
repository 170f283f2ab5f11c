import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** Requests for the Senior Responsible Owner's sign-off: who asked, for which assessment, when (business time). */
@Injectable()
export class SignOffRequestsRepository {
  async insert(m: EntityManager, tenantId: string, request: { id: string; assessmentId: string; contactId: string; portalLinkId: string }): Promise<void> {
    await m.query(
      `insert into assessments.sign_off_requests (tenant_id, id, assessment_id, contact_id, portal_link_id, requested_at) values ($1, $2, $3, $4, $5, app.now())`,
      [tenantId, request.id, request.assessmentId, request.contactId, request.portalLinkId],
    );
  }

  /** When the contact last asked for the assessment's sign-off, or null. */
  async lastRequestedAt(m: EntityManager, tenantId: string, assessmentId: string, contactId: string): Promise<Date | null> {
    const [row]: { requested_at: Date }[] = await m.query(
      `select requested_at from assessments.sign_off_requests where tenant_id = $1 and assessment_id = $2 and contact_id = $3 order by requested_at desc limit 1`,
      [tenantId, assessmentId, contactId],
    );
    return row?.requested_at ?? null;
  }
}
