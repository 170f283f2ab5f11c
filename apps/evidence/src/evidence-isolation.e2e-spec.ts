import { createBlobStorage } from '@assay/evidence';
import { bearer, gateway, graphql, signupTenant, stackConfig, waitFor } from '@assay/shared/testing';
import { evidenceTestDatabases, fixture, form, sentAssessment } from './evidence-test-kit';

const LOG4J = 'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1';

describe('evidence, its content and component search stay within their tenant', () => {
  const kit = evidenceTestDatabases();

  async function processed(accessToken: string, supplierId: string): Promise<string> {
    const accepted = await gateway('/api/v1/evidence', {
      method: 'POST',
      body: form({ supplierId }, fixture('cyclonedx.json'), 'bom.json'),
      headers: bearer(accessToken),
    });
    expect(accepted.status).toBe(202);
    await waitFor(
      async () => (await gateway(`/api/v1/evidence/${accepted.body.id}`, { headers: bearer(accessToken) })).body.status === 'processed',
      'the SBOM to be processed',
    );
    return accepted.body.id;
  }

  /** Everything the evidence service holds for a tenant, to show that another tenant's attempts change none of it. */
  const holdings = async (tenantId: string) => ({
    evidence: await kit.owner.query(
      `select id, supplier_id, status, sha256, facts, checks, attempts, processed_at from evidence.evidence where tenant_id = $1 order by id`,
      [tenantId],
    ),
    blobs: await kit.owner.query(`select id, sha256, storage_key from evidence.blobs where tenant_id = $1 order by id`, [tenantId]),
    components: (await kit.owner.query(`select count(*)::int as n from evidence.components where tenant_id = $1`, [tenantId]))[0].n,
  });

  it('another tenant’s ids answer 404 or nothing, the same bytes are stored once per tenant, and nothing changes', async () => {
    const a = await signupTenant();
    const b = await signupTenant();
    const supplierA = await kit.supplier(a.tenant.id, 'Supplier of A');
    const supplierB = await kit.supplier(b.tenant.id, 'Supplier of B');
    const evidenceA = await processed(a.accessToken, supplierA);
    const evidenceB = await processed(b.accessToken, supplierB);

    // The same content, uploaded by two tenants, is two blobs under each tenant's own key.
    const [blobA] = (await holdings(a.tenant.id)).blobs;
    const [blobB] = (await holdings(b.tenant.id)).blobs;
    expect(blobA.sha256).toBe(blobB.sha256);
    expect(blobA.storage_key).toMatch(new RegExp(`^${a.tenant.id}/`));
    expect(blobB.storage_key).toMatch(new RegExp(`^${b.tenant.id}/`));
    const storage = createBlobStorage(stackConfig('evidence'));
    const size = fixture('cyclonedx.json').length;
    expect([await storage.stat(blobA.storage_key), await storage.stat(blobB.storage_key)]).toEqual([{ size }, { size }]);

    const before = await holdings(a.tenant.id);
    const asB = bearer(b.accessToken);

    // REST: A's evidence and content are not there for B; B's lists and searches show B's own only.
    for (const path of [`/api/v1/evidence/${evidenceA}`, `/api/v1/evidence/${evidenceA}/content`]) {
      const answer = await gateway(path, { headers: asB });
      expect(answer.status).toBe(404);
      expect(answer.headers.get('content-type') ?? '').toMatch(/problem\+json/);
    }
    expect((await gateway(`/api/v1/evidence?supplierId=${supplierA}`, { headers: asB })).body.data).toEqual([]);
    expect((await gateway('/api/v1/evidence', { headers: asB })).body.data.map((e: { id: string }) => e.id)).toEqual([evidenceB]);
    for (const query of [
      `purl=${encodeURIComponent(LOG4J)}`,
      `purl=${encodeURIComponent('pkg:maven/org.apache.logging.log4j/log4j-core')}`,
      'name=log4j-core&version=2.14.1',
    ]) {
      const found = await gateway(`/api/v1/components?${query}`, { headers: asB });
      expect(found.status).toBe(200);
      expect(found.body.data).toEqual([expect.objectContaining({ evidenceId: evidenceB, supplierId: supplierB, supplierName: 'Supplier of B' })]);
    }

    // Submitting against A's supplier is refused whichever way.
    expect(
      (await gateway('/api/v1/evidence', { method: 'POST', body: form({ supplierId: supplierA }, fixture('security.txt'), 's.txt'), headers: asB })).status,
    ).toBe(404);
    expect(
      (await gateway('/api/v1/evidence', { method: 'POST', json: { supplierId: supplierA, url: 'https://supplier.example/security.txt' }, headers: asB }))
        .status,
    ).toBe(404);

    // GraphQL: null for A's evidence, only B's in lists and exposure.
    const one = await graphql(
      `
        query ($id: ID!) {
          evidence(id: $id) {
            id
          }
        }
      `,
      { id: evidenceA },
      asB,
    );
    expect(one.body).toMatchObject({ data: { evidence: null } });
    const exposure = await graphql(
      `
        query ($purl: String!) {
          componentExposure(purl: $purl) {
            evidenceId
            supplierId
          }
        }
      `,
      { purl: LOG4J },
      asB,
    );
    expect(exposure.body.data.componentExposure).toEqual([{ evidenceId: evidenceB, supplierId: supplierB }]);
    const listed = await graphql(
      `
        query ($supplierId: ID) {
          evidenceList(filter: { supplierId: $supplierId }) {
            edges {
              node {
                id
              }
            }
          }
        }
      `,
      { supplierId: supplierA },
      asB,
    );
    expect(listed.body.data.evidenceList.edges).toEqual([]);

    // Evidence of B's own supplier may not name A's assessment, nor another supplier's.
    const portal = await sentAssessment(kit.owner, b.accessToken);
    const portalA = await sentAssessment(kit.owner, a.accessToken);
    const naming = (assessmentId: string) =>
      gateway('/api/v1/evidence', { method: 'POST', body: form({ supplierId: supplierB, assessmentId }, fixture('security.txt'), 's.txt'), headers: asB });
    expect((await naming(portalA.assessmentId)).status).toBe(404);
    expect((await naming(portal.assessmentId)).status).toBe(400);
    const own = await gateway('/api/v1/evidence', {
      method: 'POST',
      body: form({ supplierId: portal.supplierId, assessmentId: portal.assessmentId }, fixture('security.txt'), 's.txt'),
      headers: asB,
    });
    expect(own.status).toBe(202);

    // The supplier portal of one of B's assessments does not list A's evidence even when named.
    const named = await gateway(`/api/v1/portal/assessment/evidence?ids=${evidenceA}`, { headers: bearer(portal.token) });
    expect(named.status).toBe(200);
    expect(named.body.data.map((e: { id: string }) => e.id)).toEqual([own.body.id]);

    expect(await holdings(a.tenant.id)).toEqual(before);
    // And A still reads what it had.
    const download = await gateway(`/api/v1/evidence/${evidenceA}/content`, { headers: bearer(a.accessToken) });
    expect(download.status).toBe(200);
  });

  it('re-running a finished ingestion (a job retried after its worker died) replaces the components, never doubles them', async () => {
    const org = await signupTenant();
    const supplierId = await kit.supplier(org.tenant.id);
    const evidenceId = await processed(org.accessToken, supplierId);
    const count = async () => (await kit.owner.query(`select count(*)::int as n from evidence.components where evidence_id = $1`, [evidenceId]))[0].n;
    expect(await count()).toBe(3);
    const [{ attempts }] = await kit.owner.query(`select attempts from evidence.evidence where id = $1`, [evidenceId]);
    // As if the worker had died after committing, with BullMQ retrying the job: the sweep takes it up again.
    await kit.owner.query(`update evidence.evidence set status = 'processing' where id = $1`, [evidenceId]);
    await waitFor(
      async () =>
        (await kit.owner.query(`select 1 from evidence.evidence where id = $1 and status = 'processed' and attempts > $2`, [evidenceId, attempts])).length ===
        1,
      'the ingestion to run again',
      30_000,
    );
    expect(await count()).toBe(3);
    const exposure = await gateway(`/api/v1/components?purl=${encodeURIComponent(LOG4J)}`, { headers: bearer(org.accessToken) });
    expect(exposure.body.data).toHaveLength(1);
  });
});
