import { FrameworkDocument, loadBundledCatalogues } from '../catalogue/catalogue-document';
import { scoreAssessment } from './assessment-score';
import type { ClaimAnswer } from './assessments.dto';

describe('assessment score', () => {
  const framework = loadBundledCatalogues()[0] as FrameworkDocument;

  it('scores met 1, partially met 0.5, not met 0 and leaves N/A out, per principle, theme and overall', () => {
    const answers = new Map<string, ClaimAnswer>([
      ['3.2.1', 'met'],
      ['3.2.2', 'partially_met'],
      ['3.3.1', 'not_met'],
      ['3.3.2', 'not_applicable'],
      ['4.2.1', 'met'],
    ]);
    const score = scoreAssessment(framework, ['3.2.1', '3.2.2', '3.3.1', '3.3.2', '4.2.1'], answers);
    expect(score.principles).toEqual([
      { id: '3.2', score: 75, scoredClaims: 2, notApplicable: 0, unanswered: 0 },
      { id: '3.3', score: 0, scoredClaims: 1, notApplicable: 1, unanswered: 0 },
      { id: '4.2', score: 100, scoredClaims: 1, notApplicable: 0, unanswered: 0 },
    ]);
    expect(score.themes).toEqual([
      { id: '3', score: 50, scoredClaims: 3, notApplicable: 1, unanswered: 0 },
      { id: '4', score: 100, scoredClaims: 1, notApplicable: 0, unanswered: 0 },
    ]);
    expect(score.overall).toBe(62.5);
    expect(score.scoredClaims).toBe(4);
  });

  it('has no score where every claim is N/A or unanswered, and rounds to two decimals', () => {
    const none = scoreAssessment(framework, ['4.2.1', '4.3.1'], new Map([['4.2.1', 'not_applicable']]));
    expect(none.overall).toBeNull();
    expect(none.principles).toEqual([
      { id: '4.2', score: null, scoredClaims: 0, notApplicable: 1, unanswered: 0 },
      { id: '4.3', score: null, scoredClaims: 0, notApplicable: 0, unanswered: 1 },
    ]);
    const thirds = scoreAssessment(
      framework,
      ['4.1.1', '4.1.2', '4.1.3'],
      new Map<string, ClaimAnswer>([
        ['4.1.1', 'met'],
        ['4.1.2', 'not_met'],
        ['4.1.3', 'not_met'],
      ]),
    );
    expect(thirds.overall).toBe(33.33);
  });
});
