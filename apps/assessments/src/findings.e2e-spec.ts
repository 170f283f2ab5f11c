import { bearer, gateway, ownerDataSource } from '@assay/shared/testing';
import type { DataSource } from 'typeorm';
import { answerAndSubmit, inDays, organisation, portal, sentAssessment } from './assessments-test-kit';

let owner: DataSource;

beforeAll(async () => {
  owner = await ownerDataSource();
});
afterAll(async () => {
  await owner.destroy();
});

describe('findings', () => {
  it('raises findings on claims, moves them through their states and counts the open ones on the supplier', async () => {
    const org = await organisation();
    const sent = await sentAssessment(owner, org);
    const url = `/api/v1/assessments/${sent.assessment.id}`;
    const claimId = sent.claimIds[0] as string;
    const body = {
      claimId,
      severity: 'high',
      title: 'No published disclosure policy',
      description: 'security.txt has no Policy',
      remediationDueAt: inDays(60),
    };

    expect((await org.call('POST', `${url}/findings`, { ...body, severity: 'urgent' })).status).toBe(400);
    expect((await org.call('POST', `${url}/findings`, { ...body, claimId: '1.1.1' })).status).toBe(400);
    expect((await org.call('POST', `${url}/findings`, { ...body, remediationDueAt: inDays(-1) })).status).toBe(400);
    expect((await org.call('POST', `${url}/findings`, { ...body, title: '' })).status).toBe(400);
    await answerAndSubmit(sent);
    const created = await org.call('POST', `${url}/findings`, body);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      claimId,
      severity: 'high',
      status: 'open',
      supplierId: sent.supplier.id,
      remediationPlan: null,
      supplierAgreed: null,
    });
    const second = await org.call('POST', `${url}/findings`, { claimId, severity: 'low', title: 'Minor' });
    expect((await org.call('GET', `/api/v1/suppliers/${sent.supplier.id}`)).body.openFindings).toBe(2);

    const id = created.body.id;
    expect((await org.call('PATCH', `/api/v1/findings/${id}`, { status: 'resolved' })).status).toBe(409);
    expect((await org.call('PATCH', `/api/v1/findings/${id}`, { status: 'in_remediation' })).body.status).toBe('in_remediation');
    expect((await org.call('PATCH', `/api/v1/findings/${id}`, { status: 'accepted_risk' })).status).toBe(400);
    expect((await org.call('PATCH', `/api/v1/findings/${id}`, { status: 'accepted_risk', riskAcceptedUntil: inDays(-2) })).status).toBe(400);
    const accepted = await org.call('PATCH', `/api/v1/findings/${id}`, { status: 'accepted_risk', riskAcceptedUntil: inDays(90) });
    expect(accepted.body).toMatchObject({ status: 'accepted_risk', riskAcceptedUntil: expect.any(String) });
    expect((await org.call('GET', `/api/v1/suppliers/${sent.supplier.id}`)).body.openFindings).toBe(1);
    await org.call('PATCH', `/api/v1/findings/${second.body.id}`, { status: 'in_remediation' });
    expect((await org.call('PATCH', `/api/v1/findings/${second.body.id}`, { status: 'resolved' })).body.status).toBe('resolved');
    expect((await org.call('PATCH', `/api/v1/findings/${second.body.id}`, { status: 'open' })).status).toBe(409);
    expect((await org.call('GET', `/api/v1/suppliers/${sent.supplier.id}`)).body.openFindings).toBe(0);

    const list = async (query: string) => (await org.call('GET', `/api/v1/findings?${query}`)).body.data.map((f: { id: string }) => f.id);
    expect(await list(`supplierId=${sent.supplier.id}`)).toEqual([second.body.id, id]);
    expect(await list('status=accepted_risk')).toEqual([id]);
    expect((await org.call('GET', '/api/v1/findings?status=closed')).status).toBe(400);
    expect((await org.call('GET', url)).body.findings.map((f: { id: string }) => f.id)).toEqual([id, second.body.id]);

    const events = await owner.query(`select type, payload from assessments.outbox where payload->'data'->>'findingId' = $1 order by created_at, id`, [id]);
    expect(events.map((e: { type: string }) => e.type)).toEqual(['finding.created', 'finding.updated', 'finding.updated']);
    expect(events[0].payload.data).toMatchObject({
      findingId: id,
      assessmentId: sent.assessment.id,
      claimId,
      severity: 'high',
      status: 'open',
      recipients: [{ email: sent.contact.email }],
    });
  });

  it('takes the supplier plan and agreement through the portal, only for its own assessment', async () => {
    const org = await organisation();
    const sent = await sentAssessment(owner, org);
    const other = await sentAssessment(owner, org);
    await answerAndSubmit(sent);
    await answerAndSubmit(other);
    const finding = (
      await org.call('POST', `/api/v1/assessments/${sent.assessment.id}/findings`, { claimId: sent.claimIds[0], severity: 'medium', title: 'Fix it' })
    ).body;
    const otherFinding = (
      await org.call('POST', `/api/v1/assessments/${other.assessment.id}/findings`, { claimId: other.claimIds[0], severity: 'medium', title: 'Other' })
    ).body;

    expect((await portal(sent.token).agree(finding.id, { remediationPlan: '', agreed: true })).status).toBe(400);
    expect((await portal(sent.token).agree(otherFinding.id, { remediationPlan: 'Mine now', agreed: true })).status).toBe(404);
    const agreed = await portal(sent.token).agree(finding.id, { remediationPlan: 'Publish a policy by June', agreed: true });
    expect(agreed.status).toBe(200);
    expect(agreed.body).toMatchObject({ remediationPlan: 'Publish a policy by June', supplierAgreed: true, supplierRespondedAt: expect.any(String) });
    const view = (await portal(sent.token).get()).body;
    expect(view.findings).toMatchObject([{ id: finding.id, title: 'Fix it', remediationPlan: 'Publish a policy by June', supplierAgreed: true }]);
    expect((await org.call('GET', `/api/v1/findings/${otherFinding.id}`)).body.remediationPlan).toBeNull();
    // A portal token reaches no customer route.
    expect((await portal(sent.token).agree(finding.id, { remediationPlan: 'x', agreed: false })).status).toBe(200);
    expect((await gateway(`/api/v1/findings/${finding.id}`, { headers: bearer(sent.token) })).status).toBe(403);
  });

  it("never shows or changes another tenant's findings", async () => {
    const alpha = await organisation();
    const beta = await organisation();
    const sent = await sentAssessment(owner, alpha);
    await answerAndSubmit(sent);
    const finding = (
      await alpha.call('POST', `/api/v1/assessments/${sent.assessment.id}/findings`, { claimId: sent.claimIds[0], severity: 'critical', title: 'Alpha only' })
    ).body;
    expect((await beta.call('GET', `/api/v1/findings/${finding.id}`)).status).toBe(404);
    expect((await beta.call('PATCH', `/api/v1/findings/${finding.id}`, { status: 'in_remediation' })).status).toBe(404);
    expect(
      (await beta.call('POST', `/api/v1/assessments/${sent.assessment.id}/findings`, { claimId: sent.claimIds[0], severity: 'low', title: 'Spy' })).status,
    ).toBe(404);
    expect((await beta.call('GET', `/api/v1/findings?supplierId=${sent.supplier.id}`)).body.data).toEqual([]);
    const betaSent = await sentAssessment(owner, beta);
    expect((await portal(betaSent.token).agree(finding.id, { remediationPlan: 'x', agreed: true })).status).toBe(404);
    expect((await alpha.call('GET', `/api/v1/findings/${finding.id}`)).body).toMatchObject({ status: 'open', remediationPlan: null, title: 'Alpha only' });
    expect((await alpha.call('GET', `/api/v1/suppliers/${sent.supplier.id}`)).body.openFindings).toBe(1);
  });
});
