import { SinkMessage, bearer, gateway, mailSubject, mailText, ownerDataSourceForFile, waitForMail } from '@assay/shared/testing';
import { createHash } from 'node:crypto';
import { answerAndSubmit, inDays, organisation, portal, sentAssessment } from './assessments-test-kit';

const owner = ownerDataSourceForFile();

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

  it('emails a findings link with a new finding that keeps the supplier answering after the assessment completes', async () => {
    const org = await organisation();
    const sent = await sentAssessment(owner, org);
    const other = await sentAssessment(owner, org);
    await answerAndSubmit(sent);
    await answerAndSubmit(other);
    const url = `/api/v1/assessments/${sent.assessment.id}`;
    const remediationDueAt = inDays(60);
    const title = `Publish a disclosure policy ${Date.now()}`;
    const finding = (await org.call('POST', `${url}/findings`, { claimId: sent.claimIds[0], severity: 'high', title, remediationDueAt })).body;
    const otherFinding = (
      await org.call('POST', `/api/v1/assessments/${other.assessment.id}/findings`, { claimId: other.claimIds[0], severity: 'low', title: 'Elsewhere' })
    ).body;

    // The finding's email carries a findings link of the contact's own: stored as its hash, lasting past the remediation date.
    const isMail = (m: SinkMessage) => m.to.includes(sent.contact.email) && mailSubject(m.raw).includes(title);
    const mail = (await waitForMail((messages) => messages.some(isMail))).find(isMail);
    const text = mailText(mail?.raw ?? '').replace(/\s+/g, ' ');
    expect(text).toContain('Answer the findings');
    const token = /\/portal\?token=(assay_portal_[A-Za-z0-9_-]+)/.exec(text)?.[1] as string;
    expect(token).toBeTruthy();
    expect(token).not.toBe(sent.token);
    const [stored] = await owner.query(`select id, link, evidence_id, contact_id, expires_at from assessments.portal_tokens where token_hash = $1`, [
      createHash('sha256').update(token).digest('hex'),
    ]);
    expect(stored).toMatchObject({ link: 'findings', evidence_id: null, contact_id: sent.contact.id });
    expect(stored.expires_at.getTime()).toBeGreaterThanOrEqual(Date.parse(remediationDueAt) + 90 * 86_400_000);
    const findingsLink = bearer(token);

    // The assessment completes: its assessment link ends, the findings link lives on.
    expect((await org.call('POST', `${url}/complete`, { conclusion: 'Assured, with one finding' })).status).toBe(200);
    expect((await gateway('/api/v1/portal/assessment', { headers: bearer(sent.token) })).status).toBe(401);
    const listed = await gateway('/api/v1/portal/findings', { headers: findingsLink });
    expect(listed.status).toBe(200);
    expect(listed.body.data).toEqual([expect.objectContaining({ id: finding.id, title, status: 'open', remediationPlan: null })]);
    const answered = await gateway(`/api/v1/portal/findings/${finding.id}`, {
      method: 'PATCH',
      json: { remediationPlan: 'Policy published at /security by May', agreed: true },
      headers: findingsLink,
    });
    expect(answered.status).toBe(200);
    expect(answered.body).toMatchObject({ id: finding.id, remediationPlan: 'Policy published at /security by May', supplierAgreed: true });
    expect((await org.call('GET', `/api/v1/findings/${finding.id}`)).body).toMatchObject({ remediationPlan: 'Policy published at /security by May' });
    // Bad input is a problem document; another supplier's finding is not found; nothing changes.
    const bad = await gateway(`/api/v1/portal/findings/${finding.id}`, {
      method: 'PATCH',
      json: { remediationPlan: '', agreed: 'yes' },
      headers: findingsLink,
    });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const foreign = await gateway(`/api/v1/portal/findings/${otherFinding.id}`, {
      method: 'PATCH',
      json: { remediationPlan: 'Not ours', agreed: true },
      headers: findingsLink,
    });
    expect(foreign.status).toBe(404);
    expect((await org.call('GET', `/api/v1/findings/${otherFinding.id}`)).body.remediationPlan).toBeNull();
    // A findings link does nothing else.
    for (const [method, path] of [
      ['GET', '/api/v1/portal/assessment'],
      ['GET', '/api/v1/portal/renewal'],
      ['GET', '/api/v1/portal/assessment/evidence'],
      ['GET', `/api/v1/findings/${finding.id}`],
    ]) {
      expect([path, (await gateway(path as string, { method, headers: findingsLink })).status]).toEqual([path, 403]);
    }
    // The customer sees the link among the assessment's and revokes it: it opens nothing more.
    const links = (await org.call('GET', `${url}/portal-links`)).body.data;
    expect(links).toEqual(expect.arrayContaining([expect.objectContaining({ id: stored.id, link: 'findings', status: 'active' })]));
    expect((await org.call('DELETE', `${url}/portal-links/${stored.id}`)).status).toBe(204);
    expect((await gateway('/api/v1/portal/findings', { headers: findingsLink })).status).toBe(401);
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
