import type { AssessmentOpenedBy } from '@assay/shared/contracts';
import { updateReturning } from '@assay/shared/database';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AssessmentScore } from './assessment-score';
import { ANSWERABLE_STATUSES, AssessmentStatus } from './assessment-status';
import type { ClaimAnswer, ReviewVerdict } from './assessments.dto';

export interface AssessmentRow {
  tenant_id: string;
  id: string;
  supplier_id: string;
  product_id: string | null;
  framework_key: string;
  framework_version: string;
  claim_ids: string[];
  status: AssessmentStatus;
  due_at: Date;
  created_by: string | null;
  sent_at: Date | null;
  submitted_at: Date | null;
  closed_at: Date | null;
  return_message: string | null;
  conclusion: string | null;
  score: AssessmentScore | null;
  opened_by: AssessmentOpenedBy;
  /** The completed assessment whose answers this one carried forward. */
  previous_assessment_id: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface ResponseRow {
  claim_id: string;
  answer: ClaimAnswer;
  justification: string | null;
  evidence_ids: string[];
  answered_by_contact_id: string | null;
  answered_at: Date;
  /** Copied from the previous cycle and not yet confirmed or changed by the supplier. */
  carried_forward: boolean;
  /** Prefilled from this declaration evidence and not yet confirmed or changed by the supplier. */
  imported_from: string | null;
}

export interface ReviewRow {
  claim_id: string;
  verdict: ReviewVerdict;
  comment: string | null;
  reviewed_by: string | null;
  reviewed_at: Date;
}

export interface NewAssessment {
  tenantId: string;
  id: string;
  supplierId: string;
  productId: string | null;
  frameworkKey: string;
  frameworkVersion: string;
  claimIds: string[];
  dueAt: Date;
  createdBy: string | null;
  cycleDueAt: Date | null;
  openedBy: AssessmentOpenedBy;
  previousAssessmentId: string | null;
}

export interface AssessmentFilter {
  supplierId?: string;
  status?: AssessmentStatus;
  overdue?: boolean;
}

/** The assessments table with its claims' responses and review verdicts. */
@Injectable()
export class AssessmentsRepository {
  /** Inserts a draft; null when `cycleDueAt` is given and that cycle already has its assessment. */
  async insertDraft(m: EntityManager, draft: NewAssessment): Promise<AssessmentRow | null> {
    const [row]: AssessmentRow[] = await m.query(
      `insert into assessments.assessments (tenant_id, id, supplier_id, product_id, framework_key, framework_version, claim_ids, status, due_at, created_by, cycle_due_at, opened_by, previous_assessment_id)
       values ($1, $2, $3, $4, $5, $6, $7, 'draft', $8, $9, $10, $11, $12)
       on conflict (tenant_id, supplier_id, cycle_due_at) where cycle_due_at is not null do nothing returning *`,
      [
        draft.tenantId,
        draft.id,
        draft.supplierId,
        draft.productId,
        draft.frameworkKey,
        draft.frameworkVersion,
        draft.claimIds,
        draft.dueAt,
        draft.createdBy,
        draft.cycleDueAt,
        draft.openedBy,
        draft.previousAssessmentId,
      ],
    );
    return row ?? null;
  }

  /** Newest first, after the cursor's id; `limit` rows at most. */
  async page(m: EntityManager, tenantId: string, filter: AssessmentFilter, afterId: string | number | null, limit: number): Promise<AssessmentRow[]> {
    return m.query(
      `select * from assessments.assessments
       where tenant_id = $1 and ($2::uuid is null or supplier_id = $2) and ($3::text is null or status = $3)
         and ($4::boolean is null or (status = any($5::text[]) and due_at < app.now()) = $4)
         and ($6::uuid is null or id < $6::uuid)
       order by id desc limit $7`,
      [tenantId, filter.supplierId ?? null, filter.status ?? null, filter.overdue ?? null, ANSWERABLE_STATUSES, afterId, limit],
    );
  }

  /** The assessments of the given suppliers, newest first (one query for a page of suppliers). */
  listForSuppliers(m: EntityManager, tenantId: string, supplierIds: string[]): Promise<AssessmentRow[]> {
    return m.query(`select * from assessments.assessments where tenant_id = $1 and supplier_id = any($2::uuid[]) order by id desc`, [tenantId, supplierIds]);
  }

  async find(m: EntityManager, tenantId: string, id: string, lock = false): Promise<AssessmentRow | null> {
    const [row]: AssessmentRow[] = await m.query(`select * from assessments.assessments where tenant_id = $1 and id = $2${lock ? ' for update' : ''}`, [
      tenantId,
      id,
    ]);
    return row ?? null;
  }

  /** The supplier's assessments in one of `statuses`, locked for the change (oldest first). */
  openOfSupplier(m: EntityManager, tenantId: string, supplierId: string, statuses: string[]): Promise<AssessmentRow[]> {
    return m.query(`select * from assessments.assessments where tenant_id = $1 and supplier_id = $2 and status = any($3::text[]) order by id for update`, [
      tenantId,
      supplierId,
      statuses,
    ]);
  }

  /** The assessments an automated check result feeds: the one named, else the supplier's open ones. */
  async checkTargets(m: EntityManager, tenantId: string, supplierId: string, assessmentId: string | null): Promise<Pick<AssessmentRow, 'id' | 'claim_ids'>[]> {
    return m.query(
      `select id, claim_ids from assessments.assessments
       where tenant_id = $1 and supplier_id = $2
         and (case when $3::uuid is null then status not in ('completed', 'cancelled') else id = $3::uuid and status <> 'completed' end)
       for share`,
      [tenantId, supplierId, assessmentId],
    );
  }

  markSent(m: EntityManager, row: AssessmentRow): Promise<AssessmentRow> {
    return this.setStatus(m, row, `status = 'sent', sent_at = app.now()`);
  }

  /** `sent` becomes `in_progress` with the first answer. */
  async markInProgress(m: EntityManager, row: AssessmentRow): Promise<void> {
    await m.query(`update assessments.assessments set status = 'in_progress', updated_at = app.now() where tenant_id = $1 and id = $2`, [
      row.tenant_id,
      row.id,
    ]);
  }

  markSubmitted(m: EntityManager, row: AssessmentRow): Promise<AssessmentRow> {
    return this.setStatus(m, row, `status = 'submitted', submitted_at = app.now()`);
  }

  markInReview(m: EntityManager, row: AssessmentRow): Promise<AssessmentRow> {
    return this.setStatus(m, row, `status = 'in_review'`);
  }

  moveDueAt(m: EntityManager, row: AssessmentRow, dueAt: Date): Promise<AssessmentRow> {
    return this.setStatus(m, row, `due_at = $3`, [dueAt]);
  }

  markReturned(m: EntityManager, row: AssessmentRow, message: string): Promise<AssessmentRow> {
    return this.setStatus(m, row, `status = 'returned', return_message = $3`, [message]);
  }

  markCompleted(m: EntityManager, row: AssessmentRow, conclusion: string | null, score: AssessmentScore): Promise<AssessmentRow> {
    return this.setStatus(m, row, `status = 'completed', closed_at = app.now(), conclusion = $3, score = $4, overall_score = $5`, [
      conclusion,
      JSON.stringify(score),
      score.overall,
    ]);
  }

  markCancelled(m: EntityManager, row: AssessmentRow): Promise<AssessmentRow> {
    return this.setStatus(m, row, `status = 'cancelled', closed_at = app.now()`);
  }

  /**
   * The supplier's latest completed assessment of the same product (with no product: of none), the
   * one a new cycle carries its answers forward from.
   */
  async latestCompleted(m: EntityManager, tenantId: string, supplierId: string, productId: string | null): Promise<AssessmentRow | null> {
    const [row]: AssessmentRow[] = await m.query(
      `select * from assessments.assessments
       where tenant_id = $1 and supplier_id = $2 and status = 'completed' and product_id is not distinct from $3::uuid
       order by closed_at desc, id desc limit 1`,
      [tenantId, supplierId, productId],
    );
    return row ?? null;
  }

  /**
   * Copies the answers of `from` to the claims of `to` that both apply to (one new id per claim in
   * `ids`, in the order of `to.claim_ids`), marked carried forward; answer time and contact kept.
   */
  async carryForward(m: EntityManager, from: AssessmentRow, to: AssessmentRow, ids: string[]): Promise<number> {
    const copied: { claim_id: string }[] = await m.query(
      `insert into assessments.claim_responses
         (tenant_id, id, assessment_id, claim_id, answer, justification, evidence_ids, answered_by_contact_id, answered_at, carried_forward)
       select r.tenant_id, c.id, $3, r.claim_id, r.answer, r.justification, r.evidence_ids, r.answered_by_contact_id, r.answered_at, true
       from unnest($4::uuid[], $5::text[]) as c(id, claim_id)
       join assessments.claim_responses r on r.tenant_id = $1 and r.assessment_id = $2 and r.claim_id = c.claim_id
       returning claim_id`,
      [from.tenant_id, from.id, to.id, ids, to.claim_ids],
    );
    return copied.length;
  }

  /** The answers of the assessment `to` was carried forward from (all its claims). */
  previousResponses(m: EntityManager, to: AssessmentRow): Promise<ResponseRow[]> {
    if (!to.previous_assessment_id) return Promise.resolve([]);
    return m.query(
      `select claim_id, answer, justification, evidence_ids, answered_by_contact_id, answered_at, carried_forward, imported_from from assessments.claim_responses
       where tenant_id = $1 and assessment_id = $2`,
      [to.tenant_id, to.previous_assessment_id],
    );
  }

  /**
   * Prefills answers from a supplier's declaration: each claim of the assessment that has no answer
   * yet gets the declared one, marked `imported_from` the declaration (no contact: the supplier has
   * not confirmed it). Claims already answered (or prefilled) are left alone, so a redelivered
   * declaration changes nothing. Returns the claims prefilled.
   */
  async importAnswers(
    m: EntityManager,
    row: AssessmentRow,
    evidenceId: string,
    answers: { id: string; claimId: string; answer: ClaimAnswer; justification: string | null }[],
  ): Promise<string[]> {
    const applicable = answers.filter((answer) => row.claim_ids.includes(answer.claimId));
    if (applicable.length === 0) return [];
    const imported: { claim_id: string }[] = await m.query(
      `insert into assessments.claim_responses (tenant_id, id, assessment_id, claim_id, answer, justification, evidence_ids, answered_by_contact_id, imported_from)
       select $1, a.id, $2, a.claim_id, a.answer, a.justification, array[$3::uuid], null, $3
       from unnest($4::uuid[], $5::text[], $6::text[], $7::text[]) as a(id, claim_id, answer, justification)
       on conflict (tenant_id, assessment_id, claim_id) do nothing
       returning claim_id`,
      [
        row.tenant_id,
        row.id,
        evidenceId,
        applicable.map((answer) => answer.id),
        applicable.map((answer) => answer.claimId),
        applicable.map((answer) => answer.answer),
        applicable.map((answer) => answer.justification),
      ],
    );
    return imported.map((response) => response.claim_id);
  }

  /**
   * The supplier confirms carried or imported answers unchanged: of `claimIds`, those still carried
   * forward or imported from a declaration stop being so. Returns the claims confirmed.
   */
  async confirmCarried(m: EntityManager, row: AssessmentRow, claimIds: string[], contactId: string): Promise<string[]> {
    const confirmed = await updateReturning<{ claim_id: string }>(
      m,
      `update assessments.claim_responses set carried_forward = false, imported_from = null, answered_by_contact_id = $4, answered_at = app.now()
       where tenant_id = $1 and assessment_id = $2 and claim_id = any($3::text[]) and (carried_forward or imported_from is not null)
       returning claim_id`,
      [row.tenant_id, row.id, claimIds, contactId],
    );
    return confirmed.map((response) => response.claim_id);
  }

  /** The current answers to the assessment's applicable claims. */
  async responses(m: EntityManager, row: AssessmentRow): Promise<ResponseRow[]> {
    return m.query(
      `select claim_id, answer, justification, evidence_ids, answered_by_contact_id, answered_at, carried_forward, imported_from from assessments.claim_responses
       where tenant_id = $1 and assessment_id = $2 and claim_id = any($3::text[])`,
      [row.tenant_id, row.id, row.claim_ids],
    );
  }

  /** Stores an answer to one claim, replacing an earlier answer to it. */
  async saveResponse(
    m: EntityManager,
    row: AssessmentRow,
    response: { id: string; claimId: string; answer: ClaimAnswer; justification: string | null; evidenceIds: string[]; contactId: string },
  ): Promise<ResponseRow> {
    const [saved]: ResponseRow[] = await m.query(
      `insert into assessments.claim_responses (tenant_id, id, assessment_id, claim_id, answer, justification, evidence_ids, answered_by_contact_id)
       values ($1, $2, $3, $4, $5, $6, $7, $8)
       on conflict (tenant_id, assessment_id, claim_id) do update set answer = excluded.answer, justification = excluded.justification,
         evidence_ids = excluded.evidence_ids, answered_by_contact_id = excluded.answered_by_contact_id, answered_at = app.now()
       returning claim_id, answer, justification, evidence_ids, answered_by_contact_id, answered_at, carried_forward, imported_from`,
      [row.tenant_id, response.id, row.id, response.claimId, response.answer, response.justification, response.evidenceIds, response.contactId],
    );
    return saved as ResponseRow;
  }

  /** The reviewer's verdicts on the assessment's claims. */
  async reviews(m: EntityManager, row: AssessmentRow): Promise<ReviewRow[]> {
    return m.query(`select claim_id, verdict, comment, reviewed_by, reviewed_at from assessments.claim_reviews where tenant_id = $1 and assessment_id = $2`, [
      row.tenant_id,
      row.id,
    ]);
  }

  /** Stores a verdict on one claim, replacing an earlier verdict on it. */
  async saveReview(
    m: EntityManager,
    row: AssessmentRow,
    review: { id: string; claimId: string; verdict: ReviewVerdict; comment: string | null; reviewedBy: string | null },
  ): Promise<void> {
    await m.query(
      `insert into assessments.claim_reviews (tenant_id, id, assessment_id, claim_id, verdict, comment, reviewed_by)
       values ($1, $2, $3, $4, $5, $6, $7)
       on conflict (tenant_id, assessment_id, claim_id) do update set verdict = excluded.verdict, comment = excluded.comment,
         reviewed_by = excluded.reviewed_by, reviewed_at = app.now()`,
      [row.tenant_id, review.id, row.id, review.claimId, review.verdict, review.comment, review.reviewedBy],
    );
  }

  private async setStatus(m: EntityManager, row: AssessmentRow, sets: string, params: unknown[] = []): Promise<AssessmentRow> {
    const [updated] = await updateReturning<AssessmentRow>(
      m,
      `update assessments.assessments set ${sets}, updated_at = app.now() where tenant_id = $1 and id = $2 returning *`,
      [row.tenant_id, row.id, ...params],
    );
    return updated as AssessmentRow;
  }
}
