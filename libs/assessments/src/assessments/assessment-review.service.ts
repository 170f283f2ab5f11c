import { Identity } from '@assay/shared/contracts';
import { TenantDatabase, newId, updateReturning } from '@assay/shared/database';
import { ConflictProblem, ProblemException } from '@assay/shared/http';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { audit, emit } from '../assessments-writes';
import { CatalogueService } from '../catalogue/catalogue.service';
import { TenantDirectory } from '../directory/tenant-directory';
import { PortalTokensService } from '../portal/portal-tokens.service';
import { SuppliersService } from '../suppliers/suppliers.service';
import { AssessmentStatus, assertTransition } from './assessment-status';
import { scoreAssessment } from './assessment-score';
import { ClaimDecisionDto } from './assessments.dto';
import { AssessmentDetail, AssessmentRow, AssessmentsService, recipientOf } from './assessments.service';

/** Statuses a reviewer may act on: the supplier has submitted and the assessment is not closed. */
const REVIEWABLE: readonly AssessmentStatus[] = ['submitted', 'in_review'];

/** The customer's side after submission: per-claim verdicts, returning to the supplier, completing. */
@Injectable()
export class AssessmentReviewService {
  constructor(
    private readonly database: TenantDatabase,
    private readonly assessments: AssessmentsService,
    private readonly catalogue: CatalogueService,
    private readonly suppliers: SuppliersService,
    private readonly portalTokens: PortalTokensService,
    private readonly directory: TenantDirectory,
  ) {}

  /** Stores verdicts per claim (a later verdict on the same claim replaces it); `submitted` becomes `in_review`. */
  async review(identity: Identity, id: string, decisions: ClaimDecisionDto[]): Promise<AssessmentDetail> {
    const tenantId = identity.tenantId as string;
    const errors = decisions.flatMap((decision, index) =>
      decision.verdict === 'returned' && !decision.comment?.trim()
        ? [{ field: `decisions.${index}.comment`, message: 'required when the verdict is returned' }]
        : [],
    );
    const claimIds = decisions.map((decision) => decision.claimId);
    if (new Set(claimIds).size !== claimIds.length) errors.push({ field: 'decisions', message: 'each claim at most once' });
    if (errors.length) throw new ProblemException(400, 'Invalid review decisions', { errors });
    return this.database.run(async (m) => {
      const row = await this.assessments.find(m, tenantId, id, true);
      if (!REVIEWABLE.includes(row.status)) throw new ConflictProblem(`An assessment that is ${row.status} cannot be reviewed`);
      const unknown = claimIds.filter((claimId) => !row.claim_ids.includes(claimId));
      if (unknown.length)
        throw new ProblemException(400, `Claims not in this assessment: ${unknown.join(', ')}`, {
          errors: unknown.map(() => ({ field: 'decisions', message: 'unknown claim' })),
        });
      for (const decision of decisions) {
        await m.query(
          `insert into assessments.claim_reviews (tenant_id, id, assessment_id, claim_id, verdict, comment, reviewed_by)
           values ($1, $2, $3, $4, $5, $6, $7)
           on conflict (tenant_id, assessment_id, claim_id) do update set verdict = excluded.verdict, comment = excluded.comment,
             reviewed_by = excluded.reviewed_by, reviewed_at = now()`,
          [tenantId, newId(), id, decision.claimId, decision.verdict, decision.comment?.trim() || null, identity.kind === 'user' ? identity.principalId : null],
        );
      }
      let current = row;
      if (row.status === 'submitted') {
        assertTransition(row.status, 'in_review');
        current = await this.setStatus(m, row, `status = 'in_review'`);
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
      return this.assessments.detail(m, current);
    }, tenantId);
  }

  /** Back to the supplier, who may change answers through the portal and submit again with a new attestation. */
  async returnToSupplier(identity: Identity, id: string, message: string): Promise<AssessmentDetail> {
    const tenantId = identity.tenantId as string;
    const text = message.trim();
    if (!text) throw new ProblemException(400, 'A message is required', { errors: [{ field: 'message', message: 'must not be blank' }] });
    return this.database.run(async (m) => {
      const row = await this.assessments.find(m, tenantId, id, true);
      assertTransition(row.status, 'returned');
      const returned = await this.setStatus(m, row, `status = 'returned', return_message = $3`, [text]);
      const recipients = (await this.assessments.contacts(m, returned)).map((contact) => recipientOf(contact));
      await audit(m, tenantId, {
        action: 'assessment.returned',
        targetType: 'assessment',
        targetId: id,
        changes: { status: { from: row.status, to: 'returned' }, message: text },
      });
      await emit(m, tenantId, 'assessment.returned', await this.assessments.eventData(m, returned, { message: text, recipients }));
      return this.assessments.detail(m, returned);
    }, tenantId);
  }

  /**
   * Completes: the score becomes final, the supplier's next assessment falls due after the tenant's
   * cadence for its tier, the supplier's latest score is this one, and the portal links stop working.
   */
  async complete(identity: Identity, id: string, conclusion?: string): Promise<AssessmentDetail> {
    const tenantId = identity.tenantId as string;
    return this.database.run(async (m) => {
      const row = await this.assessments.find(m, tenantId, id, true);
      assertTransition(row.status, 'completed');
      const framework = await this.catalogue.getFramework(row.framework_key, row.framework_version, m);
      const responses = await this.assessments.responses(m, row);
      const score = scoreAssessment(framework, row.claim_ids, new Map(responses.map((response) => [response.claim_id, response.answer])));
      const text = conclusion?.trim() || null;
      const completed = await this.setStatus(m, row, `status = 'completed', closed_at = now(), conclusion = $3, score = $4, overall_score = $5`, [
        text,
        JSON.stringify(score),
        score.overall,
      ]);
      await this.portalTokens.expireAll(m, tenantId, id);
      const supplier = await this.suppliers.find(m, tenantId, row.supplier_id, true);
      const cadenceMonths = (await this.directory.settings(m, tenantId)).reassessmentCadenceMonths[supplier.tier];
      const [updated] = await updateReturning<{ next_assessment_due_at: Date }>(
        m,
        `update assessments.suppliers set next_assessment_due_at = $3::timestamptz + make_interval(months => $4), latest_score = $5, updated_at = now()
         where tenant_id = $1 and id = $2 returning next_assessment_due_at`,
        [tenantId, supplier.id, completed.closed_at, cadenceMonths, score.overall],
      );
      const nextDueAt = (updated as { next_assessment_due_at: Date }).next_assessment_due_at.toISOString();
      await audit(m, tenantId, {
        action: 'assessment.completed',
        targetType: 'assessment',
        targetId: id,
        changes: { status: { from: row.status, to: 'completed' }, score: score.overall, nextAssessmentDueAt: nextDueAt, cadenceMonths },
      });
      await emit(m, tenantId, 'assessment.completed', await this.assessments.eventData(m, completed, { message: text, score: score.overall }));
      return this.assessments.detail(m, completed);
    }, tenantId);
  }

  private async setStatus(m: EntityManager, row: AssessmentRow, sets: string, params: unknown[] = []): Promise<AssessmentRow> {
    const [updated] = await updateReturning<AssessmentRow>(
      m,
      `update assessments.assessments set ${sets}, updated_at = now() where tenant_id = $1 and id = $2 returning *`,
      [row.tenant_id, row.id, ...params],
    );
    return updated as AssessmentRow;
  }
}
