import { newId } from '@assay/shared/database';
import { bearer, form as multipart, gateway, graphql, ownerDataSource, signupTenant, waitFor } from '@assay/shared/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const OPENEOX = (name: string) => readFileSync(join(__dirname, '../../../libs/evidence/src/parsing/__fixtures__/real', name));

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

  it("end_of_life evidence of a product sets the product's end of support through evidence.end_of_life_stated, once; a replay or an older statement changes nothing", async () => {
    const owner = await ownerDataSource();
    try {
      const org = await signupTenant();
      const auth = bearer(org.accessToken);
      const supplier = await gateway('/api/v1/suppliers', {
        method: 'POST',
        json: { name: 'EoX Supplier', tier: 'high', role: 'developer_distributor' },
        headers: auth,
      });
      const product = await gateway(`/api/v1/suppliers/${supplier.body.id}/products`, {
        method: 'POST',
        json: { name: 'Widget Server', deliveryModel: 'on_premises' },
        headers: auth,
      });
      expect(product.status).toBe(201);
      const upload = (file: Buffer) => {
        return waitFor(async () => {
          const body = multipart({ supplierId: supplier.body.id, productId: product.body.id }, file, 'eox.json');
          const response = await gateway('/api/v1/evidence', { method: 'POST', body, headers: auth });
          return response.status === 202 ? response.body.id : null;
        }, 'the supplier to be known to the evidence service');
      };
      const productNow = async () =>
        (await gateway(`/api/v1/suppliers/${supplier.body.id}/products`, { headers: auth })).body.data.find((p: { id: string }) => p.id === product.body.id);
      /** The product's events (`product.*` carry the product as `id`, the notice names it `productId`). */
      const events = (type: string) =>
        owner.query(
          `select payload from assessments.outbox where tenant_id = $1 and type = $2 and coalesce(payload->'data'->>'productId', payload->'data'->>'id') = $3`,
          [org.tenant.id, type, product.body.id],
        );
      const statements = () =>
        owner.query(`select id, applied from assessments.product_end_of_life_statements where tenant_id = $1 order by stated_at`, [org.tenant.id]);

      // The OpenEoX Core specification's example stated on 2025-11-19: end of security support 2025-12-31, 41 days' notice.
      const first = await upload(OPENEOX('openeox-core-1.0-minimal-eol-tba.json'));
      await waitFor(async () => ((await productNow())?.endOfSupportAt ? true : null), "the product's end of support from the evidence");
      expect(await productNow()).toMatchObject({ endOfSupportAt: '2025-12-31T12:00:00.000Z', endOfSupportAnnouncedAt: '2025-11-19T16:00:00.000Z' });
      const notices = await events('product.end_of_support_notice');
      expect(notices.map((row: { payload: { data: unknown } }) => row.payload.data)).toEqual([
        {
          supplierId: supplier.body.id,
          productId: product.body.id,
          endOfSupportAt: '2025-12-31T12:00:00.000Z',
          endOfSupportAnnouncedAt: '2025-11-19T16:00:00.000Z',
          noticeDays: 41,
          shortNotice: true,
          withinHorizon: true,
        },
      ]);

      // The same statement delivered again (a new envelope with the same data), then an older statement
      // (the specification's example stated on 2025-02-01): both are recorded or ignored, neither changes the product.
      const [stated] = await owner.query(
        `select payload from evidence.outbox where tenant_id = $1 and type = 'evidence.end_of_life_stated' and payload->'data'->>'evidenceId' = $2`,
        [org.tenant.id, first],
      );
      expect(stated.payload.data).toMatchObject({
        evidenceId: first,
        productId: product.body.id,
        format: 'openeox',
        endOfSupportAt: '2025-12-31T12:00:00.000Z',
      });
      const replayId = newId();
      await owner.query(`insert into evidence.outbox (tenant_id, id, type, payload, created_at) values ($1, $2, $3, $4, now())`, [
        org.tenant.id,
        replayId,
        'evidence.end_of_life_stated',
        JSON.stringify({ ...stated.payload, id: replayId }),
      ]);
      const older = await upload(OPENEOX('openeox-core-1.0-maximal.json'));
      await waitFor(async () => ((await statements()).length === 2 ? true : null), 'the older statement to be recorded');
      expect(await statements()).toEqual([
        { id: older, applied: false },
        { id: first, applied: true },
      ]);
      expect(await productNow()).toMatchObject({ endOfSupportAt: '2025-12-31T12:00:00.000Z', endOfSupportAnnouncedAt: '2025-11-19T16:00:00.000Z' });
      expect(await events('product.end_of_support_notice')).toHaveLength(1);
      expect(await events('product.updated')).toHaveLength(1);
    } finally {
      await owner.destroy();
    }
  });
});
