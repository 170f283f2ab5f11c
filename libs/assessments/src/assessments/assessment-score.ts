import type { FrameworkDocument } from '../catalogue/catalogue-document';
import type { ClaimAnswer } from './assessments.dto';

/** What each answer is worth; `not_applicable` is left out of the score altogether. */
export const ANSWER_VALUES: Readonly<Record<Exclude<ClaimAnswer, 'not_applicable'>, number>> = { met: 1, partially_met: 0.5, not_met: 0 };

export interface ScorePart {
  id: string;
  /** Percentage (0–100, two decimals) of the scored claims' values; null when no claim counts. */
  score: number | null;
  scoredClaims: number;
  notApplicable: number;
  unanswered: number;
}

export interface AssessmentScore {
  overall: number | null;
  scoredClaims: number;
  themes: ScorePart[];
  principles: ScorePart[];
}

interface Tally {
  sum: number;
  scored: number;
  notApplicable: number;
  unanswered: number;
}

const percentage = (tally: Tally) => (tally.scored === 0 ? null : Math.round((tally.sum / tally.scored) * 10_000) / 100);
const part = (id: string, tally: Tally): ScorePart => ({
  id,
  score: percentage(tally),
  scoredClaims: tally.scored,
  notApplicable: tally.notApplicable,
  unanswered: tally.unanswered,
});

/**
 * The score of an assessment's applicable claims: met 1, partially met 0.5, not met 0, N/A excluded,
 * as a percentage per principle, per theme and overall. Themes and the overall score weigh every
 * scored claim equally.
 */
export function scoreAssessment(framework: FrameworkDocument, claimIds: readonly string[], answers: ReadonlyMap<string, ClaimAnswer>): AssessmentScore {
  const applicable = new Set(claimIds);
  const overall: Tally = { sum: 0, scored: 0, notApplicable: 0, unanswered: 0 };
  const themes: ScorePart[] = [];
  const principles: ScorePart[] = [];
  for (const theme of framework.themes) {
    const themeTally: Tally = { sum: 0, scored: 0, notApplicable: 0, unanswered: 0 };
    for (const principle of theme.principles) {
      const tally: Tally = { sum: 0, scored: 0, notApplicable: 0, unanswered: 0 };
      const claims = principle.claims.filter((claim) => applicable.has(claim.id));
      if (claims.length === 0) continue;
      for (const claim of claims) {
        const answer = answers.get(claim.id);
        for (const target of [tally, themeTally, overall]) {
          if (answer === undefined) target.unanswered += 1;
          else if (answer === 'not_applicable') target.notApplicable += 1;
          else {
            target.sum += ANSWER_VALUES[answer];
            target.scored += 1;
          }
        }
      }
      principles.push(part(principle.id, tally));
    }
    if (themeTally.scored + themeTally.notApplicable + themeTally.unanswered > 0) themes.push(part(theme.id, themeTally));
  }
  return { overall: percentage(overall), scoredClaims: overall.scored, themes, principles };
}
