import { portalClaim, portalEvidence } from './test-fixtures';
import type { Evidence, Framework, PortalClaim } from './api';
import { claimEvidenceIds, draftProblem, evidenceChanged, groupClaims, progressOf } from './claims';

const claim = portalClaim;

const answered = (evidenceIds: string[] = []): PortalClaim['response'] => ({
  answer: 'met',
  carriedForward: false,
  importedFrom: null,
  justification: null,
  evidenceIds,
  answeredAt: '2026-01-01T00:00:00.000Z',
});

const evidence = (id: string, claimIds: string[]): Evidence => portalEvidence({ id, claimIds, size: 10 });

const framework: Framework = {
  key: 'uk-sscop',
  version: '2025-05-07',
  name: 'Software Security Code of Practice',
  publisher: 'DSIT',
  url: 'https://example.test',
  attribution: 'OGL',
  applicability: { developer_distributor: 'all', reseller: 'all', developer_only: 'all' },
  evidenceKinds: [],
  checks: [],
  mappings: {},
  themes: [
    {
      id: '1',
      title: 'Secure design and development',
      principles: [
        { id: '1.1', title: 'Follow a framework.', claims: [] },
        { id: '1.2', title: 'Know the components.', claims: [] },
      ],
    },
    { id: '3', title: 'Secure deployment and maintenance', principles: [{ id: '3.1', title: 'Distribute securely.', claims: [] }] },
  ],
};

describe('groupClaims', () => {
  it('puts claims under their theme and principle in the given order, with the catalogue titles', () => {
    const groups = groupClaims([claim('1.1.1'), claim('1.1.2'), claim('1.2.1'), claim('3.1.1')], framework);
    expect(groups.map((theme) => [theme.title, theme.principles.map((principle) => [principle.title, principle.claims.map((item) => item.id)])])).toEqual([
      [
        'Secure design and development',
        [
          ['Follow a framework.', ['1.1.1', '1.1.2']],
          ['Know the components.', ['1.2.1']],
        ],
      ],
      ['Secure deployment and maintenance', [['Distribute securely.', ['3.1.1']]]],
    ]);
  });

  it('still groups, with plain titles, while the catalogue is unavailable', () => {
    expect(groupClaims([claim('3.1.1')], null)).toEqual([
      { id: '3', title: 'Theme 3', principles: [{ id: '3.1', title: 'Principle 3.1', claims: [claim('3.1.1')] }] },
    ]);
  });
});

describe('draftProblem', () => {
  it('asks for an answer, and for a justification where the API requires one', () => {
    expect(draftProblem({ answer: null, justification: 'why' })).toMatch(/Choose an answer/);
    expect(draftProblem({ answer: 'not_met', justification: '  ' })).toMatch(/justification.*Not met/);
    expect(draftProblem({ answer: 'not_applicable', justification: '' })).toMatch(/Not applicable/);
    expect(draftProblem({ answer: 'not_met', justification: 'Planned for Q3' })).toBeNull();
    expect(draftProblem({ answer: 'partially_met', justification: '' })).toBeNull();
  });
});

describe('claimEvidenceIds', () => {
  it('cites what the answer cited, the evidence submitted for the claim and evidence attached on the page, once each', () => {
    const items = [evidence('e1', ['1.2.1']), evidence('e2', ['1.2.2']), evidence('e3', ['1.2.1', '1.2.2'])];
    expect(claimEvidenceIds(claim('1.2.1', answered(['e0', 'e1'])), items, ['e4', 'e1'])).toEqual(['e0', 'e1', 'e3', 'e4']);
    expect(claimEvidenceIds(claim('1.1.1'), items)).toEqual([]);
  });

  it('stays within the API’s limit of 50', () => {
    const many = Array.from({ length: 60 }, (_, index) => evidence(`e${index}`, ['1.2.1']));
    expect(claimEvidenceIds(claim('1.2.1'), many)).toHaveLength(50);
  });

  it('tells whether the cited evidence differs from the saved answer', () => {
    expect(evidenceChanged(claim('1.2.1', answered(['e1', 'e2'])), ['e2', 'e1'])).toBe(false);
    expect(evidenceChanged(claim('1.2.1', answered(['e1'])), ['e1', 'e2'])).toBe(true);
    expect(evidenceChanged(claim('1.2.1'), [])).toBe(false);
  });
});

describe('progressOf', () => {
  it('counts the answers the server holds', () => {
    expect(progressOf([claim('1.1.1', answered()), claim('1.1.2'), claim('1.1.3', answered())])).toEqual({ answered: 2, total: 3 });
  });
});
