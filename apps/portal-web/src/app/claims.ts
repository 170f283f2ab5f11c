import type { AssessmentStatus, ClaimAnswer, ClaimResponse, Evidence, Framework, PortalClaim } from './api';

export const ANSWERS: readonly { value: ClaimAnswer; label: string }[] = [
  { value: 'met', label: 'Met' },
  { value: 'partially_met', label: 'Partially met' },
  { value: 'not_met', label: 'Not met' },
  { value: 'not_applicable', label: 'Not applicable' },
];

export const answerLabel = (answer: ClaimAnswer): string => ANSWERS.find((option) => option.value === answer)?.label ?? answer;

/** The API refuses these answers without a justification. */
export const needsJustification = (answer: ClaimAnswer | null): boolean => answer === 'not_met' || answer === 'not_applicable';

/** Statuses in which the supplier may still change answers. */
export const EDITABLE_STATUSES: readonly AssessmentStatus[] = ['sent', 'in_progress', 'returned'];

export const STATUS_LABELS: Record<AssessmentStatus, string> = {
  draft: 'Draft',
  sent: 'Not started',
  in_progress: 'In progress',
  returned: 'Returned for changes',
  submitted: 'Submitted',
  in_review: 'In review',
  completed: 'Completed',
  cancelled: 'Cancelled',
};

/** The most evidence one answer may cite (the API's limit). */
export const MAX_EVIDENCE_PER_CLAIM = 50;

export interface PrincipleGroup {
  id: string;
  title: string;
  claims: PortalClaim[];
}

export interface ThemeGroup {
  id: string;
  title: string;
  principles: PrincipleGroup[];
}

/**
 * The assessment's claims under their theme and principle, in the order the API gives them
 * (catalogue order), titled from the catalogue when it has loaded.
 */
export function groupClaims(claims: readonly PortalClaim[], framework: Framework | null): ThemeGroup[] {
  const themeTitles = new Map(framework?.themes.map((theme) => [theme.id, theme.title]) ?? []);
  const principleTitles = new Map(framework?.themes.flatMap((theme) => theme.principles.map((principle) => [principle.id, principle.title] as const)) ?? []);
  const themes: ThemeGroup[] = [];
  for (const claim of claims) {
    let theme = themes.find((candidate) => candidate.id === claim.themeId);
    if (!theme) {
      theme = { id: claim.themeId, title: themeTitles.get(claim.themeId) ?? `Theme ${claim.themeId}`, principles: [] };
      themes.push(theme);
    }
    let principle = theme.principles.find((candidate) => candidate.id === claim.principleId);
    if (!principle) {
      principle = { id: claim.principleId, title: principleTitles.get(claim.principleId) ?? `Principle ${claim.principleId}`, claims: [] };
      theme.principles.push(principle);
    }
    principle.claims.push(claim);
  }
  return themes;
}

/** An answer being edited and not saved yet. */
export interface Draft {
  answer: ClaimAnswer | null;
  justification: string;
}

export const draftOf = (response: ClaimResponse | null): Draft => ({ answer: response?.answer ?? null, justification: response?.justification ?? '' });

/** Why a draft cannot be saved as it stands, or null when it can. */
export function draftProblem(draft: Draft): string | null {
  if (!draft.answer) return 'Choose an answer to save this claim';
  if (needsJustification(draft.answer) && !draft.justification.trim())
    return `Add a justification: it is required when the answer is ${answerLabel(draft.answer)}`;
  return null;
}

/**
 * The evidence an answer cites: what it cited when saved, the assessment's evidence submitted for
 * the claim, and evidence attached on this page (an upload may answer with earlier evidence of the
 * same content). Capped at the API's limit.
 */
export function claimEvidenceIds(claim: PortalClaim, evidence: readonly Evidence[], attached: readonly string[] = []): string[] {
  const ids = new Set([
    ...(claim.response?.evidenceIds ?? []),
    ...evidence.filter((item) => item.claimIds.includes(claim.id)).map((item) => item.id),
    ...attached,
  ]);
  return [...ids].slice(0, MAX_EVIDENCE_PER_CLAIM);
}

/** Whether a claim's cited evidence differs from what was saved with its answer. */
export function evidenceChanged(claim: PortalClaim, ids: readonly string[]): boolean {
  const saved = new Set(claim.response?.evidenceIds ?? []);
  return ids.length !== saved.size || ids.some((id) => !saved.has(id));
}

/** Answered / total, counting answers the server holds. */
export function progressOf(claims: readonly PortalClaim[]): { answered: number; total: number } {
  return { answered: claims.filter((claim) => claim.response !== null).length, total: claims.length };
}

/** The element id of a claim's card, so error messages can link to it. */
export const claimAnchor = (claimId: string): string => `claim-${claimId}`;
