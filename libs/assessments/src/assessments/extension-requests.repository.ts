import { updateReturning } from '@assay/shared/database';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export type ExtensionRequestStatus = 'pending' | 'approved' | 'rejected';

export interface ExtensionRequestRow {
  id: string;
  assessment_id: string;
  contact_id: string;
  requested_due_at: Date;
  reason: string;
  status: ExtensionRequestStatus;
  previous_due_at: Date;
  created_at: Date;
  decided_at: Date | null;
  decided_by: string | null;
  comment: string | null;
}

export interface NewExtensionRequest {
  id: string;
  assessmentId: string;
  contactId: string;
  requestedDueAt: Date;
  reason: string;
  previousDueAt: Date;
}

/** A supplier's requests for more time on an assessment; at most one pending per assessment. */
@Injectable()
export class ExtensionRequestsRepository {
  /** Null when the assessment already has a pending request. */
  async insert(m: EntityManager, tenantId: string, request: NewExtensionRequest): Promise<ExtensionRequestRow | null> {
    const [row]: ExtensionRequestRow[] = await m.query(
      `insert into assessments.extension_requests (tenant_id, id, assessment_id, contact_id, requested_due_at, reason, previous_due_at, created_at)
       values ($1, $2, $3, $4, $5, $6, $7, app.now())
       on conflict (tenant_id, assessment_id) where status = 'pending' do nothing
       returning *`,
      [tenantId, request.id, request.assessmentId, request.contactId, request.requestedDueAt, request.reason, request.previousDueAt],
    );
    return row ?? null;
  }

  /** The assessment's requests, newest first. */
  ofAssessment(m: EntityManager, tenantId: string, assessmentId: string): Promise<ExtensionRequestRow[]> {
    return m.query(`select * from assessments.extension_requests where tenant_id = $1 and assessment_id = $2 order by id desc`, [tenantId, assessmentId]);
  }

  async find(m: EntityManager, tenantId: string, assessmentId: string, id: string): Promise<ExtensionRequestRow | null> {
    const [row]: ExtensionRequestRow[] = await m.query(
      `select * from assessments.extension_requests where tenant_id = $1 and assessment_id = $2 and id = $3 for update`,
      [tenantId, assessmentId, id],
    );
    return row ?? null;
  }

  /** Decides a pending request; null when it was decided already. */
  async decide(
    m: EntityManager,
    tenantId: string,
    id: string,
    decision: { status: 'approved' | 'rejected'; decidedBy: string | null; comment: string | null },
  ): Promise<ExtensionRequestRow | null> {
    const [row] = await updateReturning<ExtensionRequestRow>(
      m,
      `update assessments.extension_requests set status = $3, decided_by = $4, comment = $5, decided_at = app.now()
       where tenant_id = $1 and id = $2 and status = 'pending' returning *`,
      [tenantId, id, decision.status, decision.decidedBy, decision.comment],
    );
    return row ?? null;
  }
}
