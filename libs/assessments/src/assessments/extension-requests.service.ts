import { clock } from '@assay/shared/clock';
import { PortalIdentity, TenantIdentity } from '@assay/shared/contracts';
import { TenantDatabase, newId } from '@assay/shared/database';
import { ConflictProblem, NotFoundProblem, ProblemException } from '@assay/shared/http';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { audit, emit } from '../assessments-writes';
import { AssessmentDueDates, checkedDueAt } from './assessment-due-dates';
import { AssessmentReadModel } from './assessment-read-model';
import { CLOSED_STATUSES } from './assessment-status';
import type { AssessmentRow } from './assessments.repository';
import { ExtensionRequestRow, ExtensionRequestsRepository } from './extension-requests.repository';

export interface ExtensionRequestView {
  id: string;
  assessmentId: string;
  contactId: string;
  status: ExtensionRequestRow['status'];
  requestedDueAt: string;
  reason: string;
  previousDueAt: string;
  createdAt: string;
  decidedAt: string | null;
  comment: string | null;
}

export const extensionRequestView = (row: ExtensionRequestRow): ExtensionRequestView => ({
  id: row.id,
  assessmentId: row.assessment_id,
  contactId: row.contact_id,
  status: row.status,
  requestedDueAt: row.requested_due_at.toISOString(),
  reason: row.reason,
  previousDueAt: row.previous_due_at.toISOString(),
  createdAt: row.created_at.toISOString(),
  decidedAt: row.decided_at?.toISOString() ?? null,
  comment: row.comment,
});

/**
 * A supplier's request for more time (from the portal) and the customer's decision: one pending
 * request per assessment; an approval moves the due date to the requested one (see `AssessmentDueDates`).
 */
@Injectable()
export class ExtensionRequestsService {
  constructor(
    private readonly database: TenantDatabase,
    private readonly reads: AssessmentReadModel,
    private readonly requests: ExtensionRequestsRepository,
    private readonly dueDates: AssessmentDueDates,
  ) {}

  async request(identity: PortalIdentity, input: { requestedDueAt: string; reason: string }): Promise<ExtensionRequestView> {
    const { tenantId } = identity;
    const { assessmentId, contactId } = identity.portal;
    const reason = input.reason.trim();
    if (!reason) throw new ProblemException(400, 'A reason is required', { errors: [{ field: 'reason', message: 'must not be blank' }] });
    const requestedDueAt = checkedDueAt(input.requestedDueAt, 'requestedDueAt');
    return this.database.run(async (m) => {
      const row = await this.reads.assessment(m, tenantId, assessmentId, true);
      if (CLOSED_STATUSES.includes(row.status)) throw new ConflictProblem(`The assessment is ${row.status}`);
      if (requestedDueAt.getTime() <= row.due_at.getTime()) {
        throw new ProblemException(400, 'requestedDueAt must be later than the current due date', {
          errors: [{ field: 'requestedDueAt', message: 'not later than the current due date' }],
        });
      }
      const created = await this.requests.insert(m, tenantId, { id: newId(), assessmentId, contactId, requestedDueAt, reason, previousDueAt: row.due_at });
      if (!created) {
        throw new ProblemException(409, 'An extension request is already pending for this assessment', {
          errors: [{ field: 'requestedDueAt', message: 'a request is already pending' }],
        });
      }
      await audit(m, tenantId, {
        action: 'assessment.extension_requested',
        targetType: 'assessment',
        targetId: assessmentId,
        changes: { requestId: created.id, requestedDueAt: requestedDueAt.toISOString(), reason },
      });
      await emit(m, tenantId, 'assessment.extension_requested', await this.eventData(m, row, created));
      return extensionRequestView(created);
    }, tenantId);
  }

  async list(tenantId: string, assessmentId: string): Promise<ExtensionRequestView[]> {
    return this.database.run(async (m) => {
      await this.reads.assessment(m, tenantId, assessmentId);
      return (await this.requests.ofAssessment(m, tenantId, assessmentId)).map(extensionRequestView);
    }, tenantId);
  }

  async decide(
    identity: TenantIdentity,
    assessmentId: string,
    requestId: string,
    input: { approve: boolean; comment?: string },
  ): Promise<ExtensionRequestView> {
    const tenantId = identity.tenantId;
    const comment = input.comment?.trim() || null;
    return this.database.run(async (m) => {
      const row = await this.reads.assessment(m, tenantId, assessmentId, true);
      const request = await this.requests.find(m, tenantId, assessmentId, requestId);
      if (!request) throw new NotFoundProblem('Extension request');
      if (request.status !== 'pending') {
        throw new ProblemException(409, `The extension request was ${request.status} already`, {
          errors: [{ field: 'approve', message: `request is ${request.status}` }],
        });
      }
      if (input.approve) {
        this.dueDates.assertMovable(row);
        if (request.requested_due_at.getTime() <= clock.nowMs()) {
          throw new ProblemException(409, 'The requested due date has passed: reject the request or move the due date by hand', {
            errors: [{ field: 'approve', message: 'requested date has passed' }],
          });
        }
      }
      const decided = (await this.requests.decide(m, tenantId, requestId, {
        status: input.approve ? 'approved' : 'rejected',
        decidedBy: identity.kind === 'user' ? identity.principalId : null,
        comment,
      })) as ExtensionRequestRow;
      const current = input.approve
        ? await this.dueDates.move(m, identity, row, decided.requested_due_at, comment ?? `Extension approved: ${decided.reason}`)
        : row;
      await audit(m, tenantId, {
        action: 'assessment.extension_decided',
        targetType: 'assessment',
        targetId: assessmentId,
        changes: { requestId, status: decided.status, ...(comment ? { comment } : {}) },
      });
      await emit(m, tenantId, 'assessment.extension_decided', await this.eventData(m, current, decided));
      return extensionRequestView(decided);
    }, tenantId);
  }

  private async eventData(m: EntityManager, row: AssessmentRow, request: ExtensionRequestRow) {
    return {
      ...(await this.reads.eventData(m, row)),
      requestId: request.id,
      requestedDueAt: request.requested_due_at.toISOString(),
      reason: request.reason,
      requestStatus: request.status,
      comment: request.comment,
    };
  }
}
