import { AssessmentOpenedBy, AssessmentRecipient } from '@assay/shared/contracts';
import type { FrameworkDocument } from '../catalogue/catalogue-document';
import type { ClaimCheck, Disagreement } from '../checks/check-results';
import type { FindingView } from '../findings/finding-view';
import type { ContactRow } from '../suppliers/supplier-contacts.repository';
import type { AssessmentScore } from './assessment-score';
import { AssessmentStatus, isOverdue } from './assessment-status';
import type { ClaimAnswer, ReviewVerdict } from './assessments.dto';
import type { AssessmentRow, ResponseRow, ReviewRow } from './assessments.repository';
import type { AttestationRow } from './attestations.repository';

export interface ClaimReviewView {
  verdict: ReviewVerdict;
  comment: string | null;
  reviewedAt: string;
}

export interface ClaimResponseView {
  answer: ClaimAnswer;
  justification: string | null;
  evidenceIds: string[];
  answeredAt: string;
  /** Copied from the previous assessment and not yet confirmed or changed by the supplier. */
  carriedForward: boolean;
  /** The declaration evidence this answer was prefilled from, until the supplier confirms or changes it. */
  importedFrom: string | null;
}

export interface AssessmentClaimView {
  id: string;
  themeId: string;
  principleId: string;
  text: string;
  evidenceKinds: string[];
  response: ClaimResponseView | null;
  review: ClaimReviewView | null;
  /** Automated check results beside the supplier's answer. */
  checks: ClaimCheck[];
  /** Answer, justification or evidence differ from the previous assessment; null without one. */
  changedSincePrevious: boolean | null;
}

export interface AssessmentSummary {
  id: string;
  supplierId: string;
  productId: string | null;
  framework: { key: string; version: string };
  status: AssessmentStatus;
  dueAt: string;
  overdue: boolean;
  claimCount: number;
  createdAt: string;
  sentAt: string | null;
  submittedAt: string | null;
  closedAt: string | null;
  /** Who opened it: a user, the reassessment schedule, or a reassessment trigger. */
  openedBy: AssessmentOpenedBy;
  /** The completed assessment whose answers it carried forward, if any. */
  previousAssessmentId: string | null;
}

export interface AttestationView {
  name: string;
  role: string;
  email: string;
  statement: boolean;
  responsesSha256: string;
  /** 1: the answers with evidence ids; 2: the answers with each evidence id and its SHA-256. */
  canonicalVersion: number;
  signedAt: string;
}

export interface AssessmentDetail extends AssessmentSummary {
  supplierName: string;
  productName: string | null;
  answeredCount: number;
  claims: AssessmentClaimView[];
  attestation: AttestationView | null;
  /** The reviewer's message when the assessment was last returned to the supplier. */
  returnMessage: string | null;
  conclusion: string | null;
  /** Live while the assessment is open; the stored, final score once completed. */
  score: AssessmentScore;
  findings: FindingView[];
  /** Claims answered met while a supporting check failed or its evidence expired. */
  disagreements: Disagreement[];
}

export const summaryView = (row: AssessmentRow): AssessmentSummary => ({
  id: row.id,
  supplierId: row.supplier_id,
  productId: row.product_id,
  framework: { key: row.framework_key, version: row.framework_version },
  status: row.status,
  dueAt: row.due_at.toISOString(),
  overdue: isOverdue(row.status, row.due_at),
  claimCount: row.claim_ids.length,
  createdAt: row.created_at.toISOString(),
  sentAt: row.sent_at?.toISOString() ?? null,
  submittedAt: row.submitted_at?.toISOString() ?? null,
  closedAt: row.closed_at?.toISOString() ?? null,
  openedBy: row.opened_by,
  previousAssessmentId: row.previous_assessment_id,
});

export const responseView = (row: ResponseRow): ClaimResponseView => ({
  answer: row.answer,
  justification: row.justification,
  evidenceIds: row.evidence_ids,
  answeredAt: row.answered_at.toISOString(),
  carriedForward: row.carried_forward,
  importedFrom: row.imported_from ?? null,
});

type Answer = Pick<ResponseRow, 'answer' | 'justification' | 'evidence_ids'>;

/** Whether two answers to a claim differ in answer, justification or evidence (evidence order aside). */
export function answerChanged(current: Answer | undefined, previous: Answer | undefined): boolean {
  if (!current || !previous) return current !== previous;
  const evidence = (row: Answer) => [...new Set(row.evidence_ids)].sort().join(',');
  return current.answer !== previous.answer || (current.justification ?? null) !== (previous.justification ?? null) || evidence(current) !== evidence(previous);
}

export const attestationView = (row: AttestationRow): AttestationView => ({
  name: row.name,
  role: row.role,
  email: row.email,
  statement: row.statement,
  responsesSha256: row.responses_sha256,
  canonicalVersion: row.canonical_version,
  signedAt: row.signed_at.toISOString(),
});

/**
 * The applicable claims of an assessment in catalogue order, with the supplier's current answers and,
 * when `previous` is given (the answers of the assessment carried forward from), whether each changed.
 */
export function claimsWithResponses(
  framework: FrameworkDocument,
  claimIds: string[],
  responses: ResponseRow[],
  reviews: ReviewRow[] = [],
  checks: Map<string, ClaimCheck[]> = new Map(),
  previous: ResponseRow[] | null = null,
): AssessmentClaimView[] {
  const applicable = new Set(claimIds);
  const byClaim = new Map(responses.map((row) => [row.claim_id, row]));
  const previousByClaim = previous ? new Map(previous.map((row) => [row.claim_id, row])) : null;
  const reviewByClaim = new Map(reviews.map((row) => [row.claim_id, row]));
  return framework.themes.flatMap((theme) =>
    theme.principles.flatMap((principle) =>
      principle.claims
        .filter((claim) => applicable.has(claim.id))
        .map((claim) => {
          const response = byClaim.get(claim.id);
          const review = reviewByClaim.get(claim.id);
          return {
            id: claim.id,
            themeId: theme.id,
            principleId: principle.id,
            text: claim.text,
            evidenceKinds: claim.evidenceKinds,
            response: response ? responseView(response) : null,
            review: review ? { verdict: review.verdict, comment: review.comment, reviewedAt: review.reviewed_at.toISOString() } : null,
            checks: checks.get(claim.id) ?? [],
            changedSincePrevious: previousByClaim ? answerChanged(response, previousByClaim.get(claim.id)) : null,
          };
        }),
    ),
  );
}

export const recipientOf = (contact: ContactRow, portalUrl?: string): AssessmentRecipient => ({
  contactId: contact.id,
  name: contact.name,
  email: contact.email,
  isSeniorResponsibleOwner: contact.is_senior_responsible_owner,
  ...(portalUrl ? { portalUrl } : {}),
});
