import { bearer, gateway, graphql, signupTenant, waitFor } from '@assay/shared/testing';

/** No test-made events: a real upload to the evidence service ends as checks beside the supplier's answer. */
describe('evidence service → assessments service', () => {
  it('an uploaded security.txt for an assessment shows its checks beside the claims, and a met answer with a failing check is a disagreement', async () => {
    const org = await signupTenant();
    const auth = bearer(org.accessToken);
    const supplier = await gateway('/api/v1/suppliers', { method: 'POST', json: { name: 'Checked Supplier', tier: 'high', role: 'reseller' }, headers: auth });
    const contact = await gateway(`/api/v1/suppliers/${supplier.body.id}/contacts`, {
      method: 'POST',
      json: { name: 'Pat', email: `pat-${Date.now()}@supplier.test` },
      headers: auth,
    });
    const assessment = await gateway('/api/v1/assessments', {
      method: 'POST',
      json: { supplierId: supplier.body.id, dueAt: new Date(Date.now() + 20 * 86_400_000).toISOString() },
      headers: auth,
    });
    expect((await gateway(`/api/v1/assessments/${assessment.body.id}/send`, { method: 'POST', json: {}, headers: auth })).status).toBe(200);
    const link = await gateway(`/api/v1/assessments/${assessment.body.id}/portal-links`, {
      method: 'POST',
      json: { contactId: contact.body.id },
      headers: auth,
    });
    // The supplier says 3.2.1 is met.
    const answer = await gateway('/api/v1/portal/assessment/responses/3.2.1', { method: 'PUT', json: { answer: 'met' }, headers: bearer(link.body.token) });
    expect(answer.status).toBe(200);

    // Its security.txt has no Policy: the evidence service's check fails.
    const securityTxt = 'Contact: mailto:security@checked.example\nExpires: 2099-01-01T00:00:00Z\n';
    const form = new FormData();
    form.append('supplierId', supplier.body.id);
    form.append('assessmentId', assessment.body.id);
    form.append('file', new Blob([securityTxt]), 'security.txt');
    const uploaded = await waitFor(async () => {
      const response = await gateway('/api/v1/evidence', { method: 'POST', body: form, headers: auth });
      return response.status === 202 ? response : null;
    }, 'the supplier to be known to the evidence service');
    expect(uploaded.body.status).toBe('pending');

    const detail = await waitFor(async () => {
      const response = await gateway(`/api/v1/assessments/${assessment.body.id}`, { headers: auth });
      const claim = response.body.claims?.find((c: { id: string }) => c.id === '3.2.1');
      return claim?.checks?.length ? response.body : null;
    }, 'checks from evidence.processed');
    const claim = detail.claims.find((c: { id: string }) => c.id === '3.2.1');
    expect(claim.checks.map((c: { key: string; result: string }) => `${c.key}:${c.result}`)).toEqual(
      expect.arrayContaining(['security_txt.contact:pass', 'security_txt.policy:fail']),
    );
    expect(detail.disagreements).toEqual(expect.arrayContaining([expect.objectContaining({ claimId: '3.2.1' })]));

    // One GraphQL query across three subgraphs: assessments (supplier), evidence (its evidence), notifications (reminders).
    const graph = await graphql(
      'query ($id: ID!) { supplier(id: $id) { name evidence { id kind status } assessments { id status reminders { step } } } }',
      { id: supplier.body.id },
      auth,
    );
    expect(graph.body.errors).toBeUndefined();
    expect(graph.body.data.supplier).toMatchObject({
      name: 'Checked Supplier',
      evidence: [{ id: uploaded.body.id, kind: 'security_txt', status: 'processed' }],
    });
    expect(graph.body.data.supplier.assessments).toEqual([expect.objectContaining({ id: assessment.body.id, reminders: expect.any(Array) })]);
  });
});
