import { bearer, gateway, ownerDataSource, signupTenant, waitFor } from '@assay/shared/testing';
import { sentAssessment } from './evidence-test-kit';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';

const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', name));

function form(fields: [string, string][], file: Buffer, filename: string): FormData {
  const body = new FormData();
  for (const [name, value] of fields) body.append(name, value);
  body.append('file', new Blob([new Uint8Array(file)]), filename);
  return body;
}

describe('evidence through the supplier portal', () => {
  let owner: DataSource;

  beforeAll(async () => {
    owner = await ownerDataSource();
  });
  afterAll(async () => {
    await owner.destroy();
  });

  it('takes evidence the moment the assessment is sent, from the supplier and from the customer, without waiting for events', async () => {
    const org = await signupTenant();
    const sent = await sentAssessment(owner, org.accessToken, { awaitProjection: false });
    const [portal, customer] = await Promise.all([
      gateway('/api/v1/portal/assessment/evidence', {
        method: 'POST',
        body: form([['claimIds', '1.2.1']], fixture('cyclonedx.json'), 'bom.json'),
        headers: bearer(sent.token),
      }),
      gateway('/api/v1/evidence', {
        method: 'POST',
        json: { supplierId: sent.supplierId, assessmentId: sent.assessmentId, url: 'http://127.0.0.1:9/security.txt' },
        headers: bearer(org.accessToken),
      }),
    ]);
    expect([portal.status, portal.body.assessmentId ?? sent.assessmentId]).toEqual([202, sent.assessmentId]);
    expect(customer.status).toBe(202);
    // An assessment id that was never minted is still a 404 straight away.
    const unknown = await gateway('/api/v1/evidence', {
      method: 'POST',
      json: { supplierId: sent.supplierId, assessmentId: '01900000-0000-7000-8000-000000000000', url: 'http://127.0.0.1:9/security.txt' },
      headers: bearer(org.accessToken),
    });
    expect(unknown.status).toBe(404);
  });

  it('binds portal uploads and URLs to the token’s assessment and supplier, processes them, and refuses closed assessments', async () => {
    const org = await signupTenant();
    const sent = await sentAssessment(owner, org.accessToken);
    expect(sent.token).toMatch(/^assay_portal_/);

    const upload = await gateway('/api/v1/portal/assessment/evidence', {
      method: 'POST',
      body: form(
        [
          ['claimIds', '1.2.1'],
          ['claimIds', '1.2.2,1.2.3'],
          ['kind', 'sbom'],
        ],
        fixture('cyclonedx.json'),
        'bom.json',
      ),
      headers: bearer(sent.token),
    });
    expect(upload.status).toBe(202);
    expect(upload.body).toMatchObject({ status: 'pending' });
    const processed = await waitFor(async () => {
      const response = await gateway(`/api/v1/evidence/${upload.body.id}`, { headers: bearer(org.accessToken) });
      return response.body.status === 'processed' ? response.body : null;
    }, 'the portal upload to be processed');
    expect(processed).toMatchObject({ kind: 'sbom', claimIds: ['1.2.1', '1.2.2', '1.2.3'], facts: { componentCount: 3 } });
    const [row] = await owner.query(`select tenant_id, supplier_id, assessment_id, uploaded_by from evidence.evidence where id = $1`, [upload.body.id]);
    expect(row).toMatchObject({ tenant_id: org.tenant.id, supplier_id: sent.supplierId, assessment_id: sent.assessmentId });
    expect(row.uploaded_by).toMatch(/^portal:/);

    const url = await gateway('/api/v1/portal/assessment/evidence', {
      method: 'POST',
      json: { url: 'https://supplier.example/.well-known/security.txt', claimIds: ['2.1.1'] },
      headers: bearer(sent.token),
    });
    expect(url.status).toBe(202);
    expect((await owner.query(`select assessment_id, source from evidence.evidence where id = $1`, [url.body.id]))[0]).toEqual({
      assessment_id: sent.assessmentId,
      source: 'url',
    });

    // The token names the assessment: the body cannot point elsewhere.
    const other = await sentAssessment(owner, org.accessToken);
    const elsewhere = await gateway('/api/v1/portal/assessment/evidence', {
      method: 'POST',
      json: { url: 'https://supplier.example/a.txt', assessmentId: other.assessmentId },
      headers: bearer(sent.token),
    });
    expect(elsewhere.status).toBe(400);
    const viaCustomerRoute = await gateway('/api/v1/evidence', {
      method: 'POST',
      json: { url: 'https://supplier.example/a.txt', supplierId: other.supplierId, assessmentId: other.assessmentId },
      headers: bearer(sent.token),
    });
    expect(viaCustomerRoute.status).toBe(403);
    expect((await owner.query(`select count(*)::int as n from evidence.evidence where assessment_id = $1`, [other.assessmentId]))[0].n).toBe(0);

    // A portal token reads no customer evidence route; a customer token cannot use the portal route.
    for (const path of [
      '/api/v1/evidence',
      `/api/v1/evidence/${upload.body.id}`,
      `/api/v1/evidence/${upload.body.id}/content`,
      '/api/v1/components?name=lodash',
    ]) {
      expect((await gateway(path, { headers: bearer(sent.token) })).status).toBe(403);
    }
    expect(
      (
        await gateway('/api/v1/portal/assessment/evidence', {
          method: 'POST',
          json: { url: 'https://supplier.example/a.txt' },
          headers: bearer(org.accessToken),
        })
      ).status,
    ).toBe(403);

    // Bad fields are refused and leave nothing behind.
    expect(
      (
        await gateway('/api/v1/portal/assessment/evidence', {
          method: 'POST',
          body: form([['claimIds', 'nope']], fixture('security.txt'), 's.txt'),
          headers: bearer(sent.token),
        })
      ).status,
    ).toBe(400);
    expect(
      (await gateway('/api/v1/portal/assessment/evidence', { method: 'POST', json: { url: 'ftp://supplier.example/a.txt' }, headers: bearer(sent.token) }))
        .status,
    ).toBe(400);

    // Once the assessment is no longer open to the supplier, evidence is refused.
    await owner.query(`update evidence.assessments set status = 'submitted' where id = $1`, [sent.assessmentId]);
    const closed = await gateway('/api/v1/portal/assessment/evidence', {
      method: 'POST',
      body: form([], fixture('security.txt'), 's.txt'),
      headers: bearer(sent.token),
    });
    expect(closed.status).toBe(409);
    expect(closed.headers.get('content-type') ?? '').toMatch(/problem\+json/);
    expect((await owner.query(`select count(*)::int as n from evidence.evidence where assessment_id = $1`, [sent.assessmentId]))[0].n).toBe(2);
  });

  it('lists the evidence of the token’s assessment with status and checks, and earlier evidence of its supplier only when named', async () => {
    const org = await signupTenant();
    const sent = await sentAssessment(owner, org.accessToken);
    const list = (token: string, query = '') => gateway(`/api/v1/portal/assessment/evidence${query}`, { headers: bearer(token) });
    expect(await list(sent.token)).toMatchObject({ status: 200, body: { data: [] } });

    const upload = await gateway('/api/v1/portal/assessment/evidence', {
      method: 'POST',
      body: form([['claimIds', '1.2.1']], fixture('cyclonedx.json'), 'bom.json'),
      headers: bearer(sent.token),
    });
    expect(upload.status).toBe(202);
    const processed = await waitFor(async () => {
      const [item] = (await list(sent.token)).body.data;
      return item?.status === 'processed' ? item : null;
    }, 'the upload to be processed in the portal list');
    expect(processed).toMatchObject({ id: upload.body.id, kind: 'sbom', filename: 'bom.json', claimIds: ['1.2.1'], assessmentId: sent.assessmentId });
    expect(processed.checks).toEqual(expect.arrayContaining([expect.objectContaining({ key: 'sbom.has_components', result: 'pass', claimIds: ['1.2.1'] })]));

    // Evidence of the customer's own or of another assessment stays out unless it is the same supplier's and named.
    const mine = await gateway('/api/v1/evidence', {
      method: 'POST',
      json: { supplierId: sent.supplierId, url: 'https://supplier.example/policy.pdf' },
      headers: bearer(org.accessToken),
    });
    const other = await sentAssessment(owner, org.accessToken);
    const theirs = await gateway('/api/v1/portal/assessment/evidence', {
      method: 'POST',
      json: { url: 'https://supplier.example/theirs.txt' },
      headers: bearer(other.token),
    });
    expect([mine.status, theirs.status]).toEqual([202, 202]);
    expect((await list(sent.token)).body.data.map((item: { id: string }) => item.id)).toEqual([upload.body.id]);
    const named = await list(sent.token, `?ids=${mine.body.id},${theirs.body.id}`);
    expect(named.body.data.map((item: { id: string }) => item.id)).toEqual([mine.body.id, upload.body.id]);
    expect((await list(other.token)).body.data.map((item: { id: string }) => item.id)).toEqual([theirs.body.id]);

    expect((await list(sent.token, '?ids=not-a-uuid')).status).toBe(400);
    expect((await gateway('/api/v1/portal/assessment/evidence', { headers: bearer(org.accessToken) })).status).toBe(403);
    expect((await gateway('/api/v1/portal/assessment/evidence')).status).toBe(401);
  });
});
