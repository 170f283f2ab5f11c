import { newId } from '@assay/shared/database';
import { bearer, gateway, graphql, settledEvidence, signupTenant, waitFor } from '@assay/shared/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { evidenceTestDatabases, fixture, form } from './evidence-test-kit';

const ADVISORY_FIXTURES = join(__dirname, '../../../libs/evidence/src/advisories/__fixtures__');
const LOG4SHELL = readFileSync(join(ADVISORY_FIXTURES, 'GHSA-jfh8-c2jp-5v3q.osv.json'));
const CSAF = readFileSync(join(__dirname, '../../../libs/evidence/src/parsing/__fixtures__/real/csaf-2.0-2022-evd-uc-01-na-001.json'));

const ONE = `query One($id: ID!) {
  advisory(id: $id) {
    id source externalIds summary severity modified kev affected notes
    exposure { supplierId supplierName evidenceId purl version status statusSource statement supplier { id name advisories { id } } }
  }
}`;

const PAGE = `query Page($first: Int, $after: String, $filter: AdvisoryFilterInput) {
  advisories(first: $first, after: $after, filter: $filter) {
    edges { cursor node { id externalIds exposure { supplierId status } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

const SUPPLIER = `query Supplier($id: ID!) { supplier(id: $id) { id name advisories { id externalIds exposure { supplierId } } } }`;

describe('advisories over GraphQL', () => {
  const kit = evidenceTestDatabases();

  it('lists and pages advisories, reads one with its exposure and Supplier.advisories; keeps tenants apart and needs evidence:read', async () => {
    const org = await signupTenant();
    const other = await signupTenant();
    const asOrg = bearer(org.accessToken);
    const submit = async (content: Buffer, name: string): Promise<string> => {
      const accepted = await gateway('/api/v1/advisories', { method: 'POST', body: form({}, content, name), headers: asOrg });
      expect(accepted.status).toBe(202);
      const done = await waitFor(async () => {
        const found = (await gateway(`/api/v1/advisories/imports/${accepted.body.id}`, { headers: asOrg })).body;
        return found.status === 'processed' ? found : null;
      }, name);
      return done.outcome.advisoryIds[0];
    };

    // Suppliers made through the assessments API, so the gateway resolves them from either subgraph.
    const supplierOf = async (accessToken: string, name: string): Promise<string> => {
      const made = await gateway('/api/v1/suppliers', {
        method: 'POST',
        json: { name, tier: 'high', role: 'developer_distributor' },
        headers: bearer(accessToken),
      });
      expect(made.status).toBe(201);
      await waitFor(async () => (await kit.owner.query(`select 1 from evidence.suppliers where id = $1`, [made.body.id])).length === 1, `${name} projected`);
      return made.body.id;
    };
    const exposed = await supplierOf(org.accessToken, 'Exposed Ltd');
    const bystander = await supplierOf(org.accessToken, 'Bystander Ltd');
    const foreign = await supplierOf(other.accessToken, 'Foreign Ltd');
    const sbom = await gateway('/api/v1/evidence', {
      method: 'POST',
      body: form({ supplierId: exposed }, fixture('cyclonedx.json'), 'bom.json'),
      headers: asOrg,
    });
    expect(await settledEvidence(org.accessToken, sbom.body.id)).toMatchObject({ status: 'processed' });
    // The other tenant ships the same vulnerable log4j-core: never part of this tenant's exposure.
    const foreignSbom = await gateway('/api/v1/evidence', {
      method: 'POST',
      body: form({ supplierId: foreign }, fixture('cyclonedx.json'), 'bom.json'),
      headers: bearer(other.accessToken),
    });
    expect(await settledEvidence(other.accessToken, foreignSbom.body.id)).toMatchObject({ status: 'processed' });

    const log4shell = await submit(LOG4SHELL, 'osv.json');
    const csaf = await submit(CSAF, 'csaf.json');

    const one = await graphql(ONE, { id: log4shell }, asOrg);
    expect(one.body.errors).toBeUndefined();
    expect(one.body.data.advisory).toMatchObject({
      id: log4shell,
      source: 'osv',
      externalIds: ['GHSA-jfh8-c2jp-5v3q', 'CVE-2021-44228'],
      summary: 'Remote code injection in Log4j',
      severity: 'critical',
      kev: false,
      notes: [],
      exposure: [
        {
          supplierId: exposed,
          supplierName: 'Exposed Ltd',
          evidenceId: sbom.body.id,
          purl: 'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1',
          version: '2.14.1',
          status: 'affected',
          statusSource: 'version',
          statement: null,
          supplier: { id: exposed, name: 'Exposed Ltd', advisories: [{ id: log4shell }] },
        },
      ],
    });
    expect(one.body.data.advisory.affected[0]).toMatchObject({ purl: 'pkg:maven/org.apache.logging.log4j/log4j-core', ecosystem: 'Maven' });

    // Paging one at a time goes through both, most recently modified first, each with its exposure.
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 3; page++) {
      const answer = await graphql(PAGE, { first: 1, after }, asOrg);
      expect(answer.body.errors).toBeUndefined();
      const connection = answer.body.data.advisories;
      seen.push(...connection.edges.map((edge: { node: { id: string } }) => edge.node.id));
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    expect(seen).toEqual([log4shell, csaf]);
    const filtered = await graphql(PAGE, { filter: { q: 'GHSA-jfh8-c2jp-5v3q' } }, asOrg);
    expect(filtered.body.data.advisories.edges).toEqual([
      {
        cursor: expect.any(String),
        node: { id: log4shell, externalIds: ['GHSA-jfh8-c2jp-5v3q', 'CVE-2021-44228'], exposure: [{ supplierId: exposed, status: 'affected' }] },
      },
    ]);
    expect((await graphql(PAGE, { filter: { kev: true } }, asOrg)).body.data.advisories.edges).toEqual([]);

    // Supplier.advisories: through the exposure, so a supplier with no matching component has none.
    const supplier = await graphql(SUPPLIER, { id: exposed }, asOrg);
    expect(supplier.body.errors).toBeUndefined();
    expect(supplier.body.data.supplier.advisories).toEqual([
      { id: log4shell, externalIds: ['GHSA-jfh8-c2jp-5v3q', 'CVE-2021-44228'], exposure: [expect.objectContaining({ supplierId: exposed })] },
    ]);
    expect((await graphql(SUPPLIER, { id: bystander }, asOrg)).body.data.supplier.advisories).toEqual([]);

    // Bad arguments are a BAD_REQUEST naming the argument; unknown and malformed ids are null.
    const tooMany = await graphql(PAGE, { first: 1000 }, asOrg);
    expect(tooMany.body.errors[0].extensions).toMatchObject({ code: 'BAD_REQUEST' });
    expect((await graphql(ONE, { id: 'not-an-id' }, asOrg)).body.data.advisory).toBeNull();
    expect((await graphql(ONE, { id: newId() }, asOrg)).body.data.advisory).toBeNull();

    // Another tenant sees none of it, and its own advisory never reveals this tenant's components.
    expect((await graphql(ONE, { id: log4shell }, bearer(other.accessToken))).body.data.advisory).toBeNull();
    expect((await graphql(PAGE, {}, bearer(other.accessToken))).body.data.advisories.edges).toEqual([]);
    const otherAccepted = await gateway('/api/v1/advisories', {
      method: 'POST',
      json: JSON.parse(LOG4SHELL.toString('utf8')),
      headers: bearer(other.accessToken),
    });
    const otherAdvisory = await waitFor(async () => {
      const found = (await gateway(`/api/v1/advisories/imports/${otherAccepted.body.id}`, { headers: bearer(other.accessToken) })).body;
      return found.status === 'processed' ? found.outcome.advisoryIds[0] : null;
    }, 'the other tenant’s advisory');
    const theirs = (await graphql(ONE, { id: otherAdvisory }, bearer(other.accessToken))).body.data.advisory;
    expect(theirs.exposure.map((entry: { supplierId: string }) => entry.supplierId)).toEqual([foreign]);
    expect(JSON.stringify(theirs)).not.toContain(exposed);

    // Without evidence:read nothing is answered, field resolvers included.
    const key = await gateway('/api/v1/api-keys', { method: 'POST', json: { name: 'audit only', scopes: ['audit:read'] }, headers: asOrg });
    const refused = await graphql(ONE, { id: log4shell }, bearer(key.body.key));
    expect(refused.body.data?.advisory ?? null).toBeNull();
    expect(refused.body.errors?.length).toBeGreaterThan(0);
    const suppliersOnly = await gateway('/api/v1/api-keys', { method: 'POST', json: { name: 'suppliers', scopes: ['suppliers:read'] }, headers: asOrg });
    const partial = await graphql(SUPPLIER, { id: exposed }, bearer(suppliersOnly.body.key));
    expect(partial.body.data?.supplier?.advisories ?? null).toBeNull();
    expect(partial.body.errors?.length).toBeGreaterThan(0);
    const readKey = await gateway('/api/v1/api-keys', { method: 'POST', json: { name: 'read', scopes: ['evidence:read'] }, headers: asOrg });
    expect((await graphql(ONE, { id: log4shell }, bearer(readKey.body.key))).body.data.advisory.id).toBe(log4shell);
  });
});
