import { Identity, canonicalJson } from '@assay/shared/contracts';
import { TenantDatabase, newId, updateReturning } from '@assay/shared/database';
import { ConflictProblem, NotFoundProblem, ProblemException } from '@assay/shared/http';
import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { audit, emit } from '../assessments-writes';
import { ANSWERABLE_STATUSES, assertTransition, isOverdue } from '../assessments/assessment-status';
import { AssessmentRow, AssessmentsService, ResponseRow, attestationView, responseView } from '../assessments/assessments.service';
import { AttestationDto, ClaimResponseDto } from '../assessments/assessments.dto';
import { TenantDirectory } from '../directory/tenant-directory';

/**
 * The document an attestation signs: the answers to every applicable claim in the assessment's
 * claim order, each `{ claimId, answer, justification, evidenceIds }` (evidence ids sorted,
 * justification null when absent). Its SHA-256 over the canonical JSON is stored with the signature.
 */
export function attestedResponses(claimIds: string[], responses: Pick<ResponseRow, 'claim_id' | 'answer' | 'justification' | 'evidence_ids'>[]) {
  const byClaim = new Map(responses.map((row) => [row.claim_id, row]));
  return claimIds.flatMap((claimId) => {
    const row = byClaim.get(claimId);
    return row ? [{ claimId, answer: row.answer, justification: row.justification ?? null, evidenceIds: [...row.evidence_ids].sort() }] : [];
  });
}

export function responsesDigest(document: unknown): string {
  return createHash('sha256').update(canonicalJson(document), 'utf8').digest('hex');
}

const NEEDS_JUSTIFICATION = new Set(['not_applicable', 'not_met']);

/** The supplier's side of one assessment, reached only with that assessment's portal token. */
@Injectable()
export class PortalService {
  constructor(
    private readonly database: TenantDatabase,
    private readonly assessments: AssessmentsService,
    private readonly directory: TenantDirectory,
  ) {}

  async view(identity: Identity) {
    const { tenantId, assessmentId, contactId } = this.scope(identity);
    return this.database.run(async (m) => {
      const row = await this.assessments.find(m, tenantId, assessmentId);
      const detail = await this.assessments.detail(m, row);
      const [contact]: { name: string; email: string }[] = await m.query(
        `select name, email from assessments.supplier_contacts where tenant_id = $1 and id = $2`,
        [tenantId, contactId],
      );
      return {
        id: detail.id,
        customerName: await this.directory.tenantName(m, tenantId),
        supplier: { id: detail.supplierId, name: detail.supplierName },
        product: detail.productId ? { id: detail.productId, name: detail.productName } : null,
        contact: { id: contactId, name: contact?.name ?? null },
        framework: detail.framework,
        status: detail.status,
        dueAt: detail.dueAt,
        overdue: detail.overdue,
        claimCount: detail.claimCount,
        answeredCount: detail.answeredCount,
        claims: detail.claims,
        attestation: detail.attestation,
        returnMessage: detail.returnMessage,
        findings: detail.findings.map(({ id, claimId, severity, title, description, status, remediationDueAt, remediationPlan, supplierAgreed }) => ({
          id,
          claimId,
          severity,
          title,
          description,
          status,
          remediationDueAt,
          remediationPlan,
          supplierAgreed,
        })),
      };
    }, tenantId);
  }

  async answer(identity: Identity, claimId: string, input: ClaimResponseDto) {
    const { tenantId, assessmentId, contactId } = this.scope(identity);
    const justification = input.justification?.trim() || null;
    if (NEEDS_JUSTIFICATION.has(input.answer) && !justification) {
      throw new ProblemException(400, `A justification is required when the answer is ${input.answer}`, {
        errors: [{ field: 'justification', message: `required for ${input.answer}` }],
      });
    }
    return this.database.run(async (m) => {
      const row = await this.assessments.find(m, tenantId, assessmentId, true);
      if (!row.claim_ids.includes(claimId)) throw new NotFoundProblem(`Claim ${claimId} in this assessment`);
      if (!ANSWERABLE_STATUSES.includes(row.status)) throw new ConflictProblem(`The assessment is ${row.status}; its answers can no longer change`);
      const [saved]: ResponseRow[] = await m.query(
        `insert into assessments.claim_responses (tenant_id, id, assessment_id, claim_id, answer, justification, evidence_ids, answered_by_contact_id)
         values ($1, $2, $3, $4, $5, $6, $7, $8)
         on conflict (tenant_id, assessment_id, claim_id) do update set answer = excluded.answer, justification = excluded.justification,
           evidence_ids = excluded.evidence_ids, answered_by_contact_id = excluded.answered_by_contact_id, answered_at = now()
         returning claim_id, answer, justification, evidence_ids, answered_by_contact_id, answered_at`,
        [tenantId, newId(), assessmentId, claimId, input.answer, justification, [...new Set(input.evidenceIds ?? [])], contactId],
      );
      let status = row.status;
      if (row.status === 'sent') {
        assertTransition(row.status, 'in_progress');
        await m.query(`update assessments.assessments set status = 'in_progress', updated_at = now() where tenant_id = $1 and id = $2`, [
          tenantId,
          assessmentId,
        ]);
        status = 'in_progress';
      }
      await audit(m, tenantId, {
        action: 'claim_response.saved',
        targetType: 'assessment',
        targetId: assessmentId,
        changes: { claimId, answer: input.answer, ...(status !== row.status ? { status: { from: row.status, to: status } } : {}) },
      });
      return { claimId, status, response: responseView(saved as ResponseRow) };
    }, tenantId);
  }

  async submit(identity: Identity, attestation: AttestationDto) {
    const { tenantId, assessmentId, contactId } = this.scope(identity);
    return this.database.run(async (m) => {
      const row: AssessmentRow = await this.assessments.find(m, tenantId, assessmentId, true);
      assertTransition(row.status, 'submitted');
      const responses = await this.assessments.responses(m, row);
      const answered = new Set(responses.map((response) => response.claim_id));
      const unanswered = row.claim_ids.filter((claimId) => !answered.has(claimId));
      if (unanswered.length) {
        throw new ProblemException(409, `${unanswered.length} applicable claim(s) are not answered yet`, { unansweredClaimIds: unanswered });
      }
      const digest = responsesDigest(attestedResponses(row.claim_ids, responses));
      const [signed] = await m.query(
        `insert into assessments.attestations (tenant_id, id, assessment_id, contact_id, name, role, email, statement, responses_sha256)
         values ($1, $2, $3, $4, $5, $6, $7, true, $8) returning *`,
        [tenantId, newId(), assessmentId, contactId, attestation.name.trim(), attestation.role.trim(), attestation.email.trim(), digest],
      );
      const [updated] = await updateReturning<AssessmentRow>(
        m,
        `update assessments.assessments set status = 'submitted', submitted_at = now(), updated_at = now() where tenant_id = $1 and id = $2 returning *`,
        [tenantId, assessmentId],
      );
      const submitted = updated as AssessmentRow;
      await audit(m, tenantId, {
        action: 'assessment.submitted',
        targetType: 'assessment',
        targetId: assessmentId,
        changes: { status: { from: row.status, to: 'submitted' }, attestedBy: attestation.email, responsesSha256: digest },
      });
      await emit(m, tenantId, 'assessment.submitted', await this.assessments.eventData(m, submitted));
      return { id: assessmentId, status: submitted.status, overdue: isOverdue(submitted.status, submitted.due_at), attestation: attestationView(signed) };
    }, tenantId);
  }

  private scope(identity: Identity): { tenantId: string; assessmentId: string; contactId: string } {
    if (!identity.tenantId || !identity.portal) throw new NotFoundProblem('Assessment');
    return { tenantId: identity.tenantId, assessmentId: identity.portal.assessmentId, contactId: identity.portal.contactId };
  }
}
