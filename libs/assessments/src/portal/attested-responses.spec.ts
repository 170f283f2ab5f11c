import { canonicalJson } from '@assay/shared/contracts';
import { createHash } from 'node:crypto';
import { ATTESTATION_CANONICAL_VERSION, attestedResponses, responsesDigest } from './portal.service';

const E1 = '0190a3f0-0000-7000-8000-00000000000a';
const E2 = '0190a3f0-0000-7000-8000-00000000000b';
const responses = [
  { claim_id: '1.1.1', answer: 'met' as const, justification: null, evidence_ids: [E2, E1] },
  { claim_id: '2.1.1', answer: 'not_met' as const, justification: 'Planned', evidence_ids: [] },
];
const claimIds = ['1.1.1', '1.2.1', '2.1.1'];
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

describe('the attested document', () => {
  it('version 2 (the current one) covers each evidence SHA-256, sorted by evidence id, null when unknown', () => {
    expect(ATTESTATION_CANONICAL_VERSION).toBe(2);
    const digests = new Map([[E1, { sha256: sha('one') }]]);
    expect(attestedResponses(claimIds, responses, 2, digests)).toEqual([
      {
        claimId: '1.1.1',
        answer: 'met',
        justification: null,
        evidence: [
          { id: E1, sha256: sha('one') },
          { id: E2, sha256: null },
        ],
      },
      { claimId: '2.1.1', answer: 'not_met', justification: 'Planned', evidence: [] },
    ]);
    // Other content behind the same evidence id gives another digest.
    const other = new Map([[E1, { sha256: sha('two') }]]);
    expect(responsesDigest(attestedResponses(claimIds, responses, 2, other))).not.toBe(responsesDigest(attestedResponses(claimIds, responses, 2, digests)));
  });

  it('version 1 (attestations signed before) is still computed as it was: evidence ids only', () => {
    const document = attestedResponses(claimIds, responses, 1);
    expect(document).toEqual([
      { claimId: '1.1.1', answer: 'met', justification: null, evidenceIds: [E1, E2] },
      { claimId: '2.1.1', answer: 'not_met', justification: 'Planned', evidenceIds: [] },
    ]);
    expect(responsesDigest(document)).toBe(createHash('sha256').update(canonicalJson(document), 'utf8').digest('hex'));
  });
});
