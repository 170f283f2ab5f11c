import { ownerDataSourceForFile } from '@assay/shared/testing';
import { ATTESTATION, answerAndSubmit, organisation, portal, sentAssessment, waitFor } from './assessments-test-kit';

const owner = ownerDataSourceForFile();

const ANSWERS = ['met', 'partially_met', 'not_met', 'not_applicable'] as const;
const VALUES: Record<string, number | null> = { met: 1, partially_met: 0.5, not_met: 0, not_applicable: null };
const cycle = (_claimId: string, index: number) => ANSWERS[index % ANSWERS.length] as string;
const percent = (values: (number | null)[]) => {
  const scored = values.filter((value): value is number => value !== null);
  return scored.length ? Math.round((scored.reduce((a, b) => a + b, 0) / scored.length) * 10_000) / 100 : null;
};

describe('assessment review and closing', () => {
  it('reviews per claim, returns to the supplier, takes a new attestation and completes with a final score and next due date', async () => {
    const org = await organisation();
    const sent = await sentAssessment(owner, org);
    const { assessment, claimIds, token } = sent;
    const first = await answerAndSubmit(sent, cycle);
    const [accepted, returned] = claimIds as [string, string];
    const url = `/api/v1/assessments/${assessment.id}`;

    expect((await org.call('POST', `${url}/review`, { decisions: [{ claimId: returned, verdict: 'returned' }] })).status).toBe(400);
    expect((await org.call('POST', `${url}/review`, { decisions: [{ claimId: '1.1.1', verdict: 'accepted' }] })).status).toBe(400);
    expect((await org.call('POST', `${url}/review`, { decisions: [{ claimId: accepted, verdict: 'maybe' }] })).status).toBe(400);
    expect((await org.call('POST', `${url}/review`, { decisions: [] })).status).toBe(400);
    const reviewed = await org.call('POST', `${url}/review`, {
      decisions: [
        { claimId: accepted, verdict: 'accepted' },
        { claimId: returned, verdict: 'returned', comment: 'Please attach the disclosure policy' },
      ],
    });
    expect(reviewed.status).toBe(200);
    expect(reviewed.body.status).toBe('in_review');
    expect(reviewed.body.claims[0].review).toMatchObject({ verdict: 'accepted', comment: null });
    expect(reviewed.body.claims[1].review).toMatchObject({ verdict: 'returned', comment: 'Please attach the disclosure policy' });
    // Reviewing again while in review is allowed; the answers stay locked.
    expect((await org.call('POST', `${url}/review`, { decisions: [{ claimId: accepted, verdict: 'accepted', comment: 'Fine' }] })).body.status).toBe(
      'in_review',
    );
    expect((await portal(token).answer(returned, { answer: 'met' })).status).toBe(409);

    expect((await org.call('POST', `${url}/return`, { message: '' })).status).toBe(400);
    const sentBack = await org.call('POST', `${url}/return`, { message: 'Two claims need more detail' });
    expect(sentBack.status).toBe(200);
    expect(sentBack.body).toMatchObject({ status: 'returned', returnMessage: 'Two claims need more detail' });
    const [event] = await owner.query(`select payload from assessments.outbox where type = 'assessment.returned' and payload->'data'->>'assessmentId' = $1`, [
      assessment.id,
    ]);
    expect(event.payload.data).toMatchObject({
      status: 'returned',
      message: 'Two claims need more detail',
      recipients: [{ contactId: sent.contact.id, email: sent.contact.email }],
    });

    const seen = await portal(token).get();
    expect(seen.body.status).toBe('returned');
    expect(seen.body.claims.find((claim: { id: string }) => claim.id === returned).review).toMatchObject({
      verdict: 'returned',
      comment: 'Please attach the disclosure policy',
    });
    expect((await portal(token).answer(returned, { answer: 'met' })).status).toBe(200);
    const resubmitted = await portal(token).submit({ attestation: { ...ATTESTATION, name: 'Sam Signer II' } });
    expect(resubmitted.status).toBe(200);
    expect(resubmitted.body.status).toBe('submitted');
    expect(resubmitted.body.attestation.responsesSha256).not.toBe(first.attestation.responsesSha256);
    const attestations = await owner.query(`select name from assessments.attestations where assessment_id = $1 order by signed_at`, [assessment.id]);
    expect(attestations.map((a: { name: string }) => a.name)).toEqual(['Sam Signer', 'Sam Signer II']);

    const answers = claimIds.map((claimId, index) => (claimId === returned ? 'met' : cycle(claimId, index)));
    const live = (await org.call('GET', url)).body;
    expect(live.score.overall).toBe(percent(answers.map((answer) => VALUES[answer] as number | null)));

    const completed = await org.call('POST', `${url}/complete`, { conclusion: 'Acceptable with findings' });
    expect(completed.status).toBe(200);
    expect(completed.body).toMatchObject({ status: 'completed', conclusion: 'Acceptable with findings', score: live.score });
    const closedAt = new Date(completed.body.closedAt);
    const due = new Date(closedAt);
    due.setUTCMonth(due.getUTCMonth() + 12); // tier high: 12 months by default
    const supplier = (await org.call('GET', `/api/v1/suppliers/${sent.supplier.id}`)).body;
    expect(Math.abs(new Date(supplier.nextAssessmentDueAt).getTime() - due.getTime())).toBeLessThan(3 * 86_400_000);
    expect(supplier.latestScore).toBe(live.score.overall);
    const [done] = await owner.query(`select payload from assessments.outbox where type = 'assessment.completed' and payload->'data'->>'assessmentId' = $1`, [
      assessment.id,
    ]);
    expect(done.payload.data).toMatchObject({ status: 'completed', score: live.score.overall, message: 'Acceptable with findings' });
    expect((await portal(token).get()).status).toBe(401);

    for (const action of ['review', 'return', 'complete', 'cancel']) {
      const body = action === 'review' ? { decisions: [{ claimId: accepted, verdict: 'accepted' }] } : action === 'return' ? { message: 'again' } : {};
      expect([action, (await org.call('POST', `${url}/${action}`, body)).status]).toEqual([action, 409]);
    }
    const audit = await owner.query(`select action from audit.events where tenant_id = $1 and target_id = $2 order by seq`, [org.tenantId, assessment.id]);
    expect(audit.map((a: { action: string }) => a.action)).toEqual(
      expect.arrayContaining(['assessment.reviewed', 'assessment.returned', 'assessment.completed']),
    );
  });

  it('refuses review, return and completion before submission, and completes straight from submitted', async () => {
    const org = await organisation();
    const sent = await sentAssessment(owner, org);
    const url = `/api/v1/assessments/${sent.assessment.id}`;
    for (const [action, body] of [
      ['review', { decisions: [{ claimId: sent.claimIds[0], verdict: 'accepted' }] }],
      ['return', { message: 'x' }],
      ['complete', {}],
    ] as const) {
      expect([action, (await org.call('POST', `${url}/${action}`, body)).status]).toEqual([action, 409]);
    }
    await answerAndSubmit(sent, () => 'not_applicable');
    const completed = await org.call('POST', `${url}/complete`, {});
    expect(completed.body).toMatchObject({ status: 'completed', conclusion: null, score: { overall: null, scoredClaims: 0 } });
    expect((await org.call('GET', `/api/v1/suppliers/${sent.supplier.id}`)).body.latestScore).toBeNull();
  });

  it("takes the reassessment cadence from the tenant's settings", async () => {
    const org = await organisation();
    const patched = await org.call('PATCH', '/api/v1/tenant', { settings: { reassessmentCadenceMonths: { critical: 3, high: 12, medium: 12, low: 24 } } });
    expect(patched.status).toBe(200);
    await waitFor(
      async () =>
        (await owner.query(`select 1 from assessments.tenants where id = $1 and settings->'reassessmentCadenceMonths'->>'critical' = '3'`, [org.tenantId]))
          .length > 0,
      'tenant settings',
    );
    const sent = await sentAssessment(owner, org);
    await org.call('PATCH', `/api/v1/suppliers/${sent.supplier.id}`, { tier: 'critical' });
    await answerAndSubmit(sent);
    const completed = await org.call('POST', `/api/v1/assessments/${sent.assessment.id}/complete`, {});
    const due = new Date(completed.body.closedAt);
    due.setUTCMonth(due.getUTCMonth() + 3);
    const supplier = (await org.call('GET', `/api/v1/suppliers/${sent.supplier.id}`)).body;
    expect(Math.abs(new Date(supplier.nextAssessmentDueAt).getTime() - due.getTime())).toBeLessThan(3 * 86_400_000);
    expect(supplier.latestScore).toBe(100);
  });

  it("never reviews, returns or completes another tenant's assessment", async () => {
    const alpha = await organisation();
    const beta = await organisation();
    const sent = await sentAssessment(owner, alpha);
    await answerAndSubmit(sent);
    const url = `/api/v1/assessments/${sent.assessment.id}`;
    expect((await beta.call('POST', `${url}/review`, { decisions: [{ claimId: sent.claimIds[0], verdict: 'accepted' }] })).status).toBe(404);
    expect((await beta.call('POST', `${url}/return`, { message: 'x' })).status).toBe(404);
    expect((await beta.call('POST', `${url}/complete`, {})).status).toBe(404);
    const still = (await alpha.call('GET', url)).body;
    expect(still.status).toBe('submitted');
    expect(still.claims.every((claim: { review: unknown }) => claim.review === null)).toBe(true);
    expect((await alpha.call('GET', `/api/v1/suppliers/${sent.supplier.id}`)).body.nextAssessmentDueAt).toBeNull();
  });
});
