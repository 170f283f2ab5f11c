import type { FrameworkDocument } from '../catalogue/catalogue-document';
import type { ClaimCheck, Disagreement } from '../checks/check-results';
import type { EvidenceDigest } from '../checks/evidence-digests.repository';
import type { FindingView } from '../findings/finding-view';
import type { SupplierView } from '../suppliers/suppliers.service';
import type { AssessmentScore } from './assessment-score';
import type { AssessmentStatus } from './assessment-status';
import type { AssessmentDetail, AttestationView } from './assessment-views';

export const REPORT_FORMATS = ['json', 'csv'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** One piece of evidence behind a claim: what it is, its content hash, its validity and its checks for the claim. */
export interface ReportEvidence {
  id: string;
  /** Null while the evidence service has not reported on it. */
  kind: string | null;
  sha256: string | null;
  validUntil: string | null;
  checks: { key: string; result: string; detail: string }[];
}

export interface ReportClaim {
  themeId: string;
  themeTitle: string;
  principleId: string;
  principleTitle: string;
  claimId: string;
  claimText: string;
  answer: string | null;
  justification: string | null;
  evidenceIds: string[];
  /** The evidence the answer names, then any other evidence whose checks concern the claim. */
  evidence: ReportEvidence[];
  answeredAt: string | null;
  checks: ClaimCheck[];
  reviewVerdict: string | null;
  reviewComment: string | null;
  reviewedAt: string | null;
  /** The answer was copied from the previous assessment and never confirmed or changed. */
  carriedForward: boolean;
  /** Answer, justification or evidence differ from the previous assessment; null without one. */
  changedSincePrevious: boolean | null;
}

/**
 * The report of a completed assessment as stored at completion and served from then on: everything
 * but the time it is generated and the findings, which stay live.
 */
export type RecordedReport = Omit<AssessmentReport, 'generatedAt' | 'findings'>;

/**
 * A completed assessment as it stood at completion: its claims (answers, checks) and disagreements as
 * the API shows them, and its report. Later evidence, events and check re-runs never change it.
 */
export interface AssessmentRecord {
  claims: AssessmentDetail['claims'];
  disagreements: Disagreement[];
  report: RecordedReport;
}

/** The assurance pack: everything an auditor needs about one assessment. */
export interface AssessmentReport {
  generatedAt: string;
  assessment: {
    id: string;
    status: AssessmentStatus;
    dueAt: string;
    overdue: boolean;
    createdAt: string;
    sentAt: string | null;
    submittedAt: string | null;
    closedAt: string | null;
    returnMessage: string | null;
    conclusion: string | null;
    openedBy: string;
    /** The completed assessment whose answers this one carried forward. */
    previousAssessmentId: string | null;
  };
  supplier: SupplierView;
  product: { id: string; name: string; currentVersion: string | null; deliveryModel: string } | null;
  framework: { key: string; version: string; name: string; publisher: string; url: string; attribution: string };
  score: AssessmentScore;
  claims: ReportClaim[];
  disagreements: Disagreement[];
  findings: FindingView[];
  /** Every attestation given, oldest first (a returned assessment is attested again on resubmission). */
  attestations: AttestationView[];
}

/** The catalogue titles of each claim's theme and principle. */
function titles(framework: FrameworkDocument): Map<string, { themeTitle: string; principleTitle: string }> {
  const byClaim = new Map<string, { themeTitle: string; principleTitle: string }>();
  for (const theme of framework.themes) {
    for (const principle of theme.principles) {
      for (const claim of principle.claims) byClaim.set(claim.id, { themeTitle: theme.title, principleTitle: principle.title });
    }
  }
  return byClaim;
}

/** The evidence entries of one claim: each piece named by the answer or by a check, with its checks for the claim. */
function claimEvidence(evidenceIds: string[], checks: ClaimCheck[], digests: Map<string, EvidenceDigest>): ReportEvidence[] {
  const ids = [...new Set([...evidenceIds, ...checks.flatMap((check) => (check.evidenceId ? [check.evidenceId] : []))])];
  return ids.map((id) => {
    const digest = digests.get(id);
    const own = checks.filter((check) => check.evidenceId === id);
    return {
      id,
      kind: digest?.kind ?? own[0]?.evidenceKind ?? null,
      sha256: digest?.sha256 ?? null,
      validUntil: digest?.validUntil ?? own[0]?.validUntil ?? null,
      checks: own.map((check) => ({ key: check.key, result: check.result, detail: check.detail })),
    };
  });
}

/** Every evidence id the claims name, by their answers or their checks. */
export function evidenceIdsOf(detail: Pick<AssessmentDetail, 'claims'>): string[] {
  const ids = detail.claims.flatMap((claim) => [
    ...(claim.response?.evidenceIds ?? []),
    ...claim.checks.flatMap((check) => (check.evidenceId ? [check.evidenceId] : [])),
  ]);
  return [...new Set(ids)];
}

export function reportClaims(framework: FrameworkDocument, detail: AssessmentDetail, digests: Map<string, EvidenceDigest>): ReportClaim[] {
  const byClaim = titles(framework);
  return detail.claims.map((claim) => ({
    themeId: claim.themeId,
    themeTitle: byClaim.get(claim.id)?.themeTitle ?? '',
    principleId: claim.principleId,
    principleTitle: byClaim.get(claim.id)?.principleTitle ?? '',
    claimId: claim.id,
    claimText: claim.text,
    answer: claim.response?.answer ?? null,
    justification: claim.response?.justification ?? null,
    evidenceIds: claim.response?.evidenceIds ?? [],
    evidence: claimEvidence(claim.response?.evidenceIds ?? [], claim.checks, digests),
    answeredAt: claim.response?.answeredAt ?? null,
    checks: claim.checks,
    reviewVerdict: claim.review?.verdict ?? null,
    reviewComment: claim.review?.comment ?? null,
    reviewedAt: claim.review?.reviewedAt ?? null,
    carriedForward: claim.response?.carriedForward ?? false,
    changedSincePrevious: claim.changedSincePrevious,
  }));
}

const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One RFC 4180 field. Cells a spreadsheet would read as a formula (starting `=`, `+`, `-`, `@`,
 * tab or carriage return) are prefixed with `'` so they open as text.
 */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const CSV_COLUMNS: [string, (claim: ReportClaim, report: AssessmentReport) => string | number | null][] = [
  ['assessment_id', (_c, r) => r.assessment.id],
  ['supplier', (_c, r) => r.supplier.name],
  ['product', (_c, r) => r.product?.name ?? null],
  ['framework', (_c, r) => `${r.framework.key}@${r.framework.version}`],
  ['assessment_status', (_c, r) => r.assessment.status],
  ['theme_id', (c) => c.themeId],
  ['theme', (c) => c.themeTitle],
  ['principle_id', (c) => c.principleId],
  ['principle', (c) => c.principleTitle],
  ['claim_id', (c) => c.claimId],
  ['claim', (c) => c.claimText],
  ['answer', (c) => c.answer],
  ['justification', (c) => c.justification],
  ['evidence_ids', (c) => c.evidenceIds.join(' ')],
  ['evidence_sha256', (c) => c.evidence.map((evidence) => `${evidence.id}:${evidence.sha256 ?? ''}`).join(' ')],
  ['checks', (c) => c.checks.map((check) => `${check.key}:${check.result}`).join(' ')],
  ['review_verdict', (c) => c.reviewVerdict],
  ['review_comment', (c) => c.reviewComment],
  [
    'findings',
    (c, r) =>
      r.findings
        .filter((finding) => finding.claimId === c.claimId)
        .map((finding) => `${finding.severity}:${finding.status}:${finding.title}`)
        .join('; '),
  ],
  ['previous_assessment_id', (_c, r) => r.assessment.previousAssessmentId],
  ['changed_since_previous', (c) => (c.changedSincePrevious === null ? null : String(c.changedSincePrevious))],
  ['carried_forward', (c) => String(c.carriedForward)],
];

/** The report as CSV: a header row, then one row per applicable claim (CRLF line ends, RFC 4180). */
export function reportCsv(report: AssessmentReport): string {
  const lines = [CSV_COLUMNS.map(([name]) => name).join(',')];
  for (const claim of report.claims) lines.push(CSV_COLUMNS.map(([, cell]) => csvCell(cell(claim, report))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
