import { newId } from '@assay/shared/database';
import { bearer, gateway, graphql, signupTenant, waitFor } from '@assay/shared/testing';
import { evidenceTestDatabases, fixture, form } from './evidence-test-kit';

const ONE = `query One($id: ID!) {
  evidence(id: $id) {
    id kind status claimIds facts validUntil checks { key result claimIds }
    supplier { id evidence { id } }
    assessment { id evidence { id kind } }
  }
}`;

describe('evidence over GraphQL', () => {
  const kit = evidenceTestDatabases();

  async function processed(accessToken: string, fields: Record<string, string>, file: string): Promise<string> {
    const accepted = await gateway('/api/v1/evidence', { method: 'POST', body: form(fields, fixture(file), file), headers: bearer(accessToken) });
    expect(accepted.status).toBe(202);
    await waitFor(
      async () => (await gateway(`/api/v1/evidence/${accepted.body.id}`, { headers: bearer(accessToken) })).body.status === 'processed',
      `${file} processed`,
    );
    return accepted.body.id;
  }

  it('reads evidence, pages, exposure, Supplier.evidence and Assessment.evidence; keeps tenants apart and needs evidence:read', async () => {
    const org = await signupTenant();
    const other = await signupTenant();
    const supplierId = await kit.supplier(org.tenant.id, 'Graph Supplier');
    const assessmentId = await kit.assessment(org.tenant.id, supplierId);
    const sbom = await processed(org.accessToken, { supplierId, assessmentId, claimIds: '1.2.1' }, 'cyclonedx.json');
    const txt = await processed(org.accessToken, { supplierId }, 'security.txt');

    const one = await graphql(ONE, { id: sbom }, bearer(org.accessToken));
    expect(one.body.errors).toBeUndefined();
    const item = one.body.data.evidence;
    expect(item).toMatchObject({
      id: sbom,
      kind: 'sbom',
      status: 'processed',
      claimIds: ['1.2.1'],
      facts: { componentCount: 3 },
      supplier: { id: supplierId },
      assessment: { id: assessmentId },
    });
    expect(item.checks.find((check: { key: string }) => check.key === 'sbom.identifiers')).toMatchObject({ result: 'pass' });
    expect(item.supplier.evidence.map((e: { id: string }) => e.id)).toEqual([txt, sbom]);
    expect(item.assessment.evidence).toEqual([{ id: sbom, kind: 'sbom' }]);

    const page = async (after?: string) =>
      (
        await graphql(
          `query($after: String) { evidenceList(first: 1, after: $after, filter: { supplierId: "${supplierId}" }) { edges { node { id } } pageInfo { hasNextPage endCursor } } }`,
          { after },
          bearer(org.accessToken),
        )
      ).body.data.evidenceList;
    const first = await page();
    expect(first.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([txt]);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = await page(first.pageInfo.endCursor);
    expect(second.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([sbom]);
    expect(second.pageInfo.hasNextPage).toBe(false);
    const kinds = await graphql(
      `
        {
          evidenceList(filter: { kind: "security_txt" }) {
            edges {
              node {
                id
                kind
              }
            }
          }
        }
      `,
      {},
      bearer(org.accessToken),
    );
    expect(kinds.body.data.evidenceList.edges).toEqual([{ node: { id: txt, kind: 'security_txt' } }]);

    const exposure = `query($purl: String!) { componentExposure(purl: $purl) { purl version supplierId supplierName evidenceId supplier { id } } }`;
    const exact = await graphql(exposure, { purl: 'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1' }, bearer(org.accessToken));
    expect(exact.body.data.componentExposure).toEqual([
      expect.objectContaining({ version: '2.14.1', supplierId, supplierName: 'Graph Supplier', evidenceId: sbom, supplier: { id: supplierId } }),
    ]);
    const versionless = await graphql(exposure, { purl: 'pkg:maven/org.apache.logging.log4j/log4j-core' }, bearer(org.accessToken));
    expect(versionless.body.data.componentExposure).toHaveLength(1);

    // Malformed and unknown ids are null; another tenant sees nothing.
    expect((await graphql(ONE, { id: 'not-an-id' }, bearer(org.accessToken))).body.data.evidence).toBeNull();
    expect((await graphql(ONE, { id: newId() }, bearer(org.accessToken))).body.data.evidence).toBeNull();
    expect((await graphql(ONE, { id: sbom }, bearer(other.accessToken))).body.data.evidence).toBeNull();
    expect(
      (
        await graphql(
          `
            {
              evidenceList {
                edges {
                  node {
                    id
                  }
                }
              }
            }
          `,
          {},
          bearer(other.accessToken),
        )
      ).body.data.evidenceList.edges,
    ).toEqual([]);
    expect((await graphql(exposure, { purl: 'pkg:maven/org.apache.logging.log4j/log4j-core' }, bearer(other.accessToken))).body.data.componentExposure).toEqual(
      [],
    );

    // Without evidence:read nothing is answered, field resolvers included.
    const key = await gateway('/api/v1/api-keys', { method: 'POST', json: { name: 'audit only', scopes: ['audit:read'] }, headers: bearer(org.accessToken) });
    expect(key.status).toBe(201);
    const refused = await graphql(ONE, { id: sbom }, bearer(key.body.key));
    expect(refused.body.data?.evidence ?? null).toBeNull();
    expect(refused.body.errors?.length).toBeGreaterThan(0);
    const readKey = await gateway('/api/v1/api-keys', { method: 'POST', json: { name: 'read', scopes: ['evidence:read'] }, headers: bearer(org.accessToken) });
    expect((await graphql(ONE, { id: sbom }, bearer(readKey.body.key))).body.data.evidence.id).toBe(sbom);
  });
});
