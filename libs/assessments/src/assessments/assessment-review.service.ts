import { TenantIdentity } from '@assay/shared/contracts';
import { TenantDatabase, newId } from '@assay/shared/database';
import { ConflictProblem, ProblemException } from '@assay/shared/http';
import { Injectable } from '@nestjs/common';
import { audit, emit } from '../assessments-writes';
import { PortalTokensRepository } from '../portal/portal-tokens.repository';
import { SuppliersRepository } from '../suppliers/suppliers.repository';
import { AssessmentDueDates, checkedDueAt } from './assessment-due-dates';
import { AssessmentReadModel } from './assessment-read-model';
import { AssessmentReportService } from './assessment-report.service';
import { AssessmentStatus, assertTransition } from './assessment-status';
import { scoreAssessment } from './assessment-score';
import { AssessmentDetail, recipientOf } from './assessment-views';
import { ClaimDecisionDto } from './assessments.dto';
import { AssessmentsRepository } from './assessments.repository';

/** Statuses a reviewer may act on: the supplier has submitted and the assessment is not closed. */
const REVIEWABLE: readonly AssessmentStatus[] = ['submitted', 'in_review'];

/** The customer's side after submission: per-claim verdicts, returning to the supplier, completing. */
@Injectable()
export class AssessmentReviewService {
  constructor(
    private readonly database: TenantDatabase,
    private readonly reads: AssessmentReadModel,
    private readonly assessments: AssessmentsRepository,
    private readonly suppliers: SuppliersRepository,
    private readonly tokens: PortalTokensRepository,
    private readonly dueDates: AssessmentDueDates,
    private readonly reports: AssessmentReportService,
  ) {}

  /** Stores verdicts per claim (a later verdict on the same claim replaces it); `submitted` becomes `in_review`. */
  async review(identity: TenantIdentity, id: string, decisions: ClaimDecisionDto[]): Promise<AssessmentDetail> {
    const tenantId = identity.tenantId;
    const errors = decisions.flatMap((decision, index) =>
      decision.verdict === 'returned' && !decision.comment?.trim()
        ? [{ field: `decisions.${index}.comment`, message: 'required when the verdict is returned' }]
        : [],
    );
    const claimIds = decisions.map((decision) => decision.claimId);
    if (new Set(claimIds).size !== claimIds.length) errors.push({ field: 'decisions', message: 'each claim at most once' });
    if (errors.length) throw new ProblemException(400, 'Invalid review decisions', { errors });
    return this.database.run(async (m) => {
      const row = await this.reads.assessment(m, tenantId, id, true);
      if (!REVIEWABLE.includes(row.status)) throw new ConflictProblem(`An assessment that is ${row.status} cannot be reviewed`);
      const unknown = claimIds.filter((claimId) => !row.claim_ids.includes(claimId));
      if (unknown.length)
        throw new ProblemException(400, `Claims not in this assessment: ${unknown.join(', ')}`, {
          errors: unknown.map(() => ({ field: 'decisions', message: 'unknown claim' })),
        });
      for (const decision of decisions) {
        await this.assessments.saveReview(m, row, {
          id: newId(),
          claimId: decision.claimId,
          verdict: decision.verdict,
          comment: decision.comment?.trim() || null,
          reviewedBy: identity.kind === 'user' ? identity.principalId : null,
        });
      }
      let current = row;
      if (row.status === 'submitted') {
        assertTransition(row.status, 'in_review');
        current = await this.assessments.markInReview(m, row);
      }
      await audit(m, tenantId, {
        action: 'assessment.reviewed',
        targetType: 'assessment',
        targetId: id,
        changes: {
          decisions: decisions.map((decision) => ({ claimId: decision.claimId, verdict: decision.verdict })),
          ...(current.status !== row.status ? { status: { from: row.status, to: current.status } } : {}),
        },
      });
      return this.reads.detail(m, current);
    }, tenantId);
  }

  /** Back to the supplier, who may change answers through the portal and submit again with a new attestation. */
  async returnToSupplier(identity: TenantIdentity, id: string, message: string, newDueAt?: string): Promise<AssessmentDetail> {
    const tenantId = identity.tenantId;
    const text = message.trim();
    if (!text) throw new ProblemException(400, 'A message is required', { errors: [{ field: 'message', message: 'must not be blank' }] });
    const dueAt = newDueAt === undefined ? null : checkedDueAt(newDueAt);
    return this.database.run(async (m) => {
      const row = await this.reads.assessment(m, tenantId, id, true);
      assertTransition(row.status, 'returned');
      // The new date first, so the return's email and reminders already carry it.
      const current = dueAt ? await this.dueDates.move(m, identity, row, dueAt, text, false) : row;
      const returned = await this.assessments.markReturned(m, current, text);
      const recipients = (await this.reads.contacts(m, returned)).map((contact) => recipientOf(contact));
      await audit(m, tenantId, {
        action: 'assessment.returned',
        targetType: 'assessment',
        targetId: id,
        changes: { status: { from: row.status, to: 'returned' }, message: text, ...(dueAt ? { dueAt: dueAt.toISOString() } : {}) },
      });
      await emit(m, tenantId, 'assessment.returned', await this.reads.eventData(m, returned, { message: text, recipients }));
      return this.reads.detail(m, returned);
    }, tenantId);
  }

  /**
   * Completes: the score becomes final, the supplier's next assessment falls due after the tenant's
   * cadence for its tier, the supplier's latest score is this one, and the portal links stop working.
   */
  async complete(identity: TenantIdentity, id: string, conclusion?: string): Promise<AssessmentDetail> {
    const tenantId = identity.tenantId;
    return this.database.run(async (m) => {
      const row = await this.reads.assessment(m, tenantId, id, true);
      assertTransition(row.status, 'completed');
      const framework = await this.reads.framework(m, row);
      const responses = await this.assessments.responses(m, row);
      const score = scoreAssessment(framework, row.claim_ids, new Map(responses.map((response) => [response.claim_id, response.answer])));
      const text = conclusion?.trim() || null;
      const completed = await this.assessments.markCompleted(m, row, text, score);
      await this.tokens.expireAll(m, tenantId, id);
      const supplier = await this.reads.supplier(m, tenantId, row.supplier_id, true);
      const cadenceMonths = (await this.reads.tenantSettings(m, tenantId)).reassessmentCadenceMonths[supplier.tier];
      const nextDueAt = (
        await this.suppliers.scheduleNextAssessment(m, tenantId, supplier.id, completed.closed_at, cadenceMonths, score.overall)
      ).toISOString();
      await audit(m, tenantId, {
        action: 'assessment.completed',
        targetType: 'assessment',
        targetId: id,
        changes: { status: { from: row.status, to: 'completed' }, score: score.overall, nextAssessmentDueAt: nextDueAt, cadenceMonths },
      });
      // From here on the assessment is served from what it was at completion.
      const detail = await this.reports.recordCompletion(m, completed);
      await emit(m, tenantId, 'assessment.completed', await this.reads.eventData(m, completed, { message: text, score: score.overall }));
      return detail;
    }, tenantId);
  }
}
