import { ownerDataSourceForFile } from '@assay/shared/testing';
import { ATTESTATION, organisation, parseCsv, portal, sentAssessment } from './assessments-test-kit';

const owner = ownerDataSourceForFile();

const TRICKY = '=HYPERLINK("http://evil.test"), then\na second line';

describe('assurance pack', () => {
  it('reports every claim with answers, checks, verdicts, findings, attestations and score, as JSON and as CSV', async () => {
    const org = await organisation();
    const sent = await sentAssessment(owner, org);
    const url = `/api/v1/assessments/${sent.assessment.id}`;
    const [first, second] = sent.claimIds as [string, string];
    const supplier = portal(sent.token);
    for (const claimId of sent.claimIds) {
      const answer = claimId === first ? 'not_met' : 'met';
      expect((await supplier.answer(claimId, { answer, justification: claimId === first ? TRICKY : undefined })).status).toBe(200);
    }
    expect((await supplier.submit({ attestation: ATTESTATION })).status).toBe(200);
    expect(
      (
        await org.call('POST', `${url}/review`, {
          decisions: [
            { claimId: first, verdict: 'returned', comment: 'Needs "more", please' },
            { claimId: second, verdict: 'accepted' },
          ],
        })
      ).status,
    ).toBe(200);
    const finding = await org.call('POST', `${url}/findings`, { claimId: first, severity: 'high', title: 'No disclosure policy' });
    expect(finding.status).toBe(201);
    expect((await org.call('POST', `${url}/complete`, { conclusion: 'Acceptable with one finding' })).status).toBe(200);

    const report = await org.call('GET', `${url}/report`);
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({
      assessment: {
        id: sent.assessment.id,
        status: 'completed',
        conclusion: 'Acceptable with one finding',
        submittedAt: expect.any(String),
        closedAt: expect.any(String),
      },
      supplier: { id: sent.supplier.id, name: sent.supplier.name },
      product: null,
      framework: { key: 'uk-sscop', version: expect.any(String), attribution: expect.any(String) },
      score: { overall: expect.any(Number) },
      findings: [{ id: finding.body.id, claimId: first, severity: 'high', status: 'open' }],
      attestations: [
        {
          name: ATTESTATION.name,
          role: ATTESTATION.role,
          email: ATTESTATION.email,
          responsesSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
          signedAt: expect.any(String),
        },
      ],
    });
    expect(report.body.claims.map((claim: { claimId: string }) => claim.claimId)).toEqual(sent.claimIds);
    expect(report.body.claims[0]).toMatchObject({
      claimId: first,
      themeId: expect.any(String),
      themeTitle: expect.any(String),
      principleId: expect.any(String),
      principleTitle: expect.any(String),
      claimText: expect.any(String),
      answer: 'not_met',
      justification: TRICKY,
      evidenceIds: [],
      checks: [],
      reviewVerdict: 'returned',
      reviewComment: 'Needs "more", please',
    });
    expect(report.body.claims[1]).toMatchObject({ claimId: second, answer: 'met', reviewVerdict: 'accepted', reviewComment: null });

    const csv = await org.call('GET', `${url}/report?format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toBe(`attachment; filename="assessment-${sent.assessment.id}.csv"`);
    const rows = parseCsv(csv.body as string);
    const header = rows[0] as string[];
    expect(header).toEqual(expect.arrayContaining(['claim_id', 'answer', 'justification', 'review_verdict', 'review_comment', 'findings']));
    expect(rows).toHaveLength(sent.claimIds.length + 1);
    const cell = (row: string[], column: string) => row[header.indexOf(column)];
    const firstRow = rows[1] as string[];
    expect(cell(firstRow, 'claim_id')).toBe(first);
    expect(cell(firstRow, 'justification')).toBe(`'${TRICKY}`);
    expect(cell(firstRow, 'review_comment')).toBe('Needs "more", please');
    expect(cell(firstRow, 'findings')).toBe('high:open:No disclosure policy');
    expect(cell(rows[2] as string[], 'answer')).toBe('met');

    const unknown = await org.call('GET', `${url}/report?format=xlsx`);
    expect(unknown.status).toBe(400);
    expect(unknown.headers.get('content-type')).toContain('application/problem+json');
  });

  it("reports only the caller's own assessments", async () => {
    const alpha = await organisation();
    const beta = await organisation();
    const sent = await sentAssessment(owner, alpha);
    expect((await alpha.call('GET', `/api/v1/assessments/${sent.assessment.id}/report`)).status).toBe(200);
    expect((await beta.call('GET', `/api/v1/assessments/${sent.assessment.id}/report`)).status).toBe(404);
    expect((await beta.call('GET', `/api/v1/assessments/${sent.assessment.id}/report?format=csv`)).status).toBe(404);
    expect((await beta.call('GET', '/api/v1/assessments/not-a-uuid/report')).status).toBe(400);
  });
});
