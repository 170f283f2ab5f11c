import { bearer, evidenceTestDatabases, form, gateway, ownerDataSource, settledEvidence, signupTenant, waitFor } from '@assay/shared/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { log4ShellNotAffectedVex } from './evidence-test-kit';

const ADVISORY_FIXTURES = join(__dirname, '../../../libs/evidence/src/advisories/__fixtures__');
const LOG4SHELL = readFileSync(join(ADVISORY_FIXTURES, 'GHSA-jfh8-c2jp-5v3q.osv.json'));
const KEV = readFileSync(join(ADVISORY_FIXTURES, 'kev-excerpt-2025.08.25.json'));
const CSAF = readFileSync(join(__dirname, '../../../libs/evidence/src/parsing/__fixtures__/real/csaf-2.0-2022-evd-uc-01-na-001.json'));

/** The submitted document once the worker has read it. */
function settled(accessToken: string, id: string) {
  return waitFor(async () => {
    const response = await gateway(`/api/v1/advisories/imports/${id}`, { headers: bearer(accessToken) });
    return response.body.status === 'processed' || response.body.status === 'failed' ? response.body : null;
  }, `advisory document ${id}`);
}

describe('advisory intake through the gateway', () => {
  let owner: DataSource;
  beforeAll(async () => {
    owner = await ownerDataSource();
  });
  afterAll(async () => {
    await owner?.destroy();
  });

  it('takes a real OSV record as JSON and a real CSAF upload, never imports one version twice, and flags KEV-listed CVEs', async () => {
    const org = await signupTenant();
    const other = await signupTenant();
    const asOrg = bearer(org.accessToken);

    const accepted = await gateway('/api/v1/advisories', { method: 'POST', json: JSON.parse(LOG4SHELL.toString('utf8')), headers: asOrg });
    expect(accepted.status).toBe(202);
    expect(accepted.body).toEqual({ id: expect.any(String), status: 'pending' });
    const first = await settled(org.accessToken, accepted.body.id);
    expect(first).toMatchObject({ status: 'processed', format: 'osv', error: null, outcome: { imported: 1, unchanged: 0 } });
    const advisoryId = first.outcome.advisoryIds[0];

    const advisory = await gateway(`/api/v1/advisories/${advisoryId}`, { headers: asOrg });
    expect(advisory.status).toBe(200);
    expect(advisory.body).toMatchObject({
      id: advisoryId,
      source: 'osv',
      externalIds: ['GHSA-jfh8-c2jp-5v3q', 'CVE-2021-44228'],
      summary: 'Remote code injection in Log4j',
      severity: 'critical',
      modified: '2022-03-25T20:56:18.000Z',
      kev: false,
    });
    expect(advisory.body.affected[0]).toMatchObject({ purl: 'pkg:maven/org.apache.logging.log4j/log4j-core', ecosystem: 'Maven' });

    // The same record version again, as an upload this time: read, but nothing is imported twice.
    const again = await gateway('/api/v1/advisories', { method: 'POST', body: form({}, LOG4SHELL, 'GHSA-jfh8-c2jp-5v3q.json'), headers: asOrg });
    expect(again.status).toBe(202);
    expect(await settled(org.accessToken, again.body.id)).toMatchObject({
      status: 'processed',
      outcome: { imported: 0, unchanged: 1, advisoryIds: [advisoryId] },
    });
    const stored = await owner.query(`select count(*)::int as n from evidence.advisories where tenant_id = $1`, [org.tenant.id]);
    expect(stored[0].n).toBe(1);

    // The KEV catalogue flags the advisory naming CVE-2021-44228 (and advisories imported later).
    const kev = await gateway('/api/v1/advisories', { method: 'POST', body: form({}, KEV, 'known_exploited_vulnerabilities.json'), headers: asOrg });
    expect(await settled(org.accessToken, kev.body.id)).toMatchObject({ status: 'processed', format: 'kev', outcome: { kevEntries: 5 } });
    expect((await gateway(`/api/v1/advisories/${advisoryId}`, { headers: asOrg })).body.kev).toBe(true);
    const csaf = await gateway('/api/v1/advisories', { method: 'POST', body: form({}, CSAF, 'csaf.json'), headers: asOrg });
    const csafImport = await settled(org.accessToken, csaf.body.id);
    expect(csafImport).toMatchObject({ status: 'processed', format: 'csaf', outcome: { imported: 1 } });
    const csafAdvisory = (await gateway(`/api/v1/advisories/${csafImport.outcome.advisoryIds[0]}`, { headers: asOrg })).body;
    expect(csafAdvisory).toMatchObject({ source: 'csaf', externalIds: ['2022-EVD-UC-01-NA-001', 'CVE-2021-44228'], kev: true });

    // Listing, searching and paging.
    const listed = await gateway('/api/v1/advisories?q=CVE-2021-44228&limit=1', { headers: asOrg });
    expect(listed.status).toBe(200);
    expect(listed.body.data).toHaveLength(1);
    expect(listed.body.nextCursor).toEqual(expect.any(String));
    const next = await gateway(`/api/v1/advisories?q=CVE-2021-44228&limit=1&cursor=${listed.body.nextCursor}`, { headers: asOrg });
    expect([...listed.body.data, ...next.body.data].map((item: { id: string }) => item.id).sort()).toEqual([advisoryId, csafAdvisory.id].sort());
    expect((await gateway('/api/v1/advisories?q=log4j', { headers: asOrg })).body.data.map((item: { id: string }) => item.id)).toEqual([advisoryId]);
    expect((await gateway('/api/v1/advisories?kev=false', { headers: asOrg })).body.data).toEqual([]);

    // Another tenant sees none of it.
    expect((await gateway(`/api/v1/advisories/${advisoryId}`, { headers: bearer(other.accessToken) })).status).toBe(404);
    expect((await gateway(`/api/v1/advisories/imports/${accepted.body.id}`, { headers: bearer(other.accessToken) })).status).toBe(404);
    expect((await gateway('/api/v1/advisories', { headers: bearer(other.accessToken) })).body.data).toEqual([]);
  });

  it('a newer version replaces the stored one; an older one is left aside', async () => {
    const org = await signupTenant();
    const asOrg = bearer(org.accessToken);
    const record = JSON.parse(LOG4SHELL.toString('utf8'));
    const submit = async (json: unknown) => settled(org.accessToken, (await gateway('/api/v1/advisories', { method: 'POST', json, headers: asOrg })).body.id);
    const original = await submit(record);
    const newer = await submit({ ...record, modified: '2023-01-01T00:00:00Z', summary: 'Remote code injection in Log4j (updated)' });
    expect(newer.outcome).toMatchObject({ imported: 1, advisoryIds: original.outcome.advisoryIds });
    const older = await submit({ ...record, modified: '2021-12-11T00:00:00Z', summary: 'stale' });
    expect(older.outcome).toMatchObject({ imported: 0, unchanged: 1 });
    const advisory = (await gateway(`/api/v1/advisories/${original.outcome.advisoryIds[0]}`, { headers: asOrg })).body;
    expect(advisory).toMatchObject({ summary: 'Remote code injection in Log4j (updated)', modified: '2023-01-01T00:00:00.000Z' });
  });

  it('bad input: a JSON body that is no advisory is refused at once, an uploaded one fails with its reason, an empty file is refused, reading needs evidence:read', async () => {
    const org = await signupTenant();
    const asOrg = bearer(org.accessToken);
    const refused = await gateway('/api/v1/advisories', { method: 'POST', json: { hello: 'world' }, headers: asOrg });
    expect(refused.status).toBe(400);
    expect(refused.body.detail).toMatch(/Not an advisory/);
    const junk = await gateway('/api/v1/advisories', { method: 'POST', body: form({}, Buffer.from('{"hello": "world"}'), 'x.json'), headers: asOrg });
    expect(junk.status).toBe(202);
    expect(await settled(org.accessToken, junk.body.id)).toMatchObject({ status: 'failed', error: expect.stringMatching(/not an advisory/) });
    const broken = await gateway('/api/v1/advisories', { method: 'POST', body: form({}, Buffer.from('{"id": "X", "modified": '), 'x.json'), headers: asOrg });
    expect(await settled(org.accessToken, broken.body.id)).toMatchObject({ status: 'failed', error: expect.stringMatching(/malformed JSON/) });
    const empty = await gateway('/api/v1/advisories', { method: 'POST', body: form({}, Buffer.alloc(0), 'x.json'), headers: asOrg });
    expect(empty.status).toBe(400);
    expect(empty.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect((await gateway('/api/v1/advisories/not-a-uuid', { headers: asOrg })).status).toBe(404);
    expect((await gateway('/api/v1/advisories?kev=maybe', { headers: asOrg })).status).toBe(400);
    expect((await gateway('/api/v1/advisories', { headers: {} })).status).toBe(401);
  });
});

/** A supplier's OpenVEX statement on log4j-core 2.14.1 for Log4Shell. */
const OPENVEX_NOT_AFFECTED = log4ShellNotAffectedVex('pkg:maven/com.vexed/app@1.0.0', {
  impact_statement: 'Message lookups are disabled in our configuration',
});

describe('matching advisories and SBOMs, both ways', () => {
  const kit = evidenceTestDatabases();
  const SBOM = readFileSync(join(__dirname, 'fixtures', 'cyclonedx.json'));
  /** The same SBOM at another log4j version. */
  const sbomAt = (version: string) =>
    Buffer.from(
      SBOM.toString('utf8')
        .replace(/log4j-core@2\.14\.1/g, `log4j-core@${version}`)
        .replace(/"2\.14\.1"/g, `"${version}"`),
    );
  const matched = (tenantId: string) =>
    kit.owner.query(`select payload->'data' as data from evidence.outbox where tenant_id = $1 and type = 'advisory.matched' order by created_at, id`, [
      tenantId,
    ]);

  it('a new advisory finds the stored SBOMs in range, a supplier VEX overrides the ranges; a new SBOM finds the stored advisory; each new set of suppliers is announced once', async () => {
    const org = await signupTenant();
    const other = await signupTenant();
    const asOrg = bearer(org.accessToken);
    const upload = async (supplierId: string, content: Buffer) => {
      const accepted = await gateway('/api/v1/evidence', { method: 'POST', body: form({ supplierId }, content, 'bom.json'), headers: asOrg });
      expect(accepted.status).toBe(202);
      expect(await settledEvidence(org.accessToken, accepted.body.id)).toMatchObject({ status: 'processed' });
      return accepted.body.id as string;
    };
    const [exposed, patched, later, vexed] = await Promise.all([
      kit.supplier(org.tenant.id, 'Exposed Ltd'),
      kit.supplier(org.tenant.id, 'Patched Ltd'),
      kit.supplier(org.tenant.id, 'Later Ltd'),
      kit.supplier(org.tenant.id, 'Vexed Ltd'),
    ]);
    // The other tenant ships the vulnerable version too: it must never appear in this tenant's exposure.
    const foreign = await kit.supplier(other.tenant.id, 'Foreign Ltd');
    await gateway('/api/v1/evidence', { method: 'POST', body: form({ supplierId: foreign }, SBOM, 'bom.json'), headers: bearer(other.accessToken) });

    const exposedEvidence = await upload(exposed, SBOM);
    const patchedEvidence = await upload(patched, sbomAt('2.17.1'));
    // A supplier shipping the vulnerable version says, in its OpenVEX, that it is not affected.
    const vexedEvidence = await upload(vexed, SBOM);
    await upload(vexed, OPENVEX_NOT_AFFECTED);
    await waitFor(
      async () => (await kit.owner.query(`select 1 from evidence.vex_statements where supplier_id = $1`, [vexed])).length === 1,
      'the VEX statements',
    );
    const document = await settled(
      org.accessToken,
      (await gateway('/api/v1/advisories', { method: 'POST', body: form({}, LOG4SHELL, 'osv.json'), headers: asOrg })).body.id,
    );
    const advisoryId = document.outcome.advisoryIds[0];
    const advisory = (await gateway(`/api/v1/advisories/${advisoryId}`, { headers: asOrg })).body;
    expect(advisory.exposure).toEqual([
      expect.objectContaining({
        supplierId: exposed,
        supplierName: 'Exposed Ltd',
        evidenceId: exposedEvidence,
        purl: 'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1',
        version: '2.14.1',
        status: 'affected',
        statusSource: 'version',
      }),
      expect.objectContaining({
        supplierId: patched,
        evidenceId: patchedEvidence,
        version: '2.17.1',
        status: 'fixed',
        statusSource: 'version',
        statement: null,
      }),
      expect.objectContaining({
        supplierId: vexed,
        evidenceId: vexedEvidence,
        version: '2.14.1',
        status: 'not_affected',
        statusSource: 'vex',
        statement: {
          status: 'not_affected',
          justification: 'vulnerable_code_not_in_execute_path',
          impact_statement: 'Message lookups are disabled in our configuration',
        },
      }),
    ]);
    expect(await matched(org.tenant.id)).toEqual([{ data: { advisoryId, supplierIds: [exposed] } }]);

    // The same record again: nothing new to announce.
    await settled(org.accessToken, (await gateway('/api/v1/advisories', { method: 'POST', body: form({}, LOG4SHELL, 'again.json'), headers: asOrg })).body.id);
    // A new SBOM of another supplier, in range: matched against the stored advisory, announced once with that supplier alone.
    const laterEvidence = await upload(later, sbomAt('2.12.1'));
    await waitFor(async () => (await matched(org.tenant.id)).length === 2, 'the second advisory.matched');
    expect((await matched(org.tenant.id))[1]).toEqual({ data: { advisoryId, supplierIds: [later] } });
    // Another SBOM of an exposed supplier: no new supplier, no new event.
    const again = await upload(exposed, sbomAt('2.13.0'));
    await waitFor(
      async () => (await kit.owner.query(`select 1 from evidence.advisory_exposures where evidence_id = $1`, [again])).length === 1,
      'the match of the second SBOM',
    );
    expect(await matched(org.tenant.id)).toHaveLength(2);

    const exposure = (await gateway(`/api/v1/advisories/${advisoryId}`, { headers: asOrg })).body.exposure;
    expect(exposure.map((entry: { evidenceId: string; status: string }) => [entry.evidenceId, entry.status]).sort()).toEqual(
      [
        [exposedEvidence, 'affected'],
        [patchedEvidence, 'fixed'],
        [laterEvidence, 'affected'],
        [again, 'affected'],
        [vexedEvidence, 'not_affected'],
      ].sort(),
    );
    const component = await gateway(`/api/v1/components?purl=${encodeURIComponent('pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1')}`, {
      headers: asOrg,
    });
    expect(component.body.data).toHaveLength(2);
    expect(component.body.data).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          evidenceId: exposedEvidence,
          advisories: [
            {
              id: advisoryId,
              externalIds: ['GHSA-jfh8-c2jp-5v3q', 'CVE-2021-44228'],
              severity: 'critical',
              kev: false,
              status: 'affected',
              statusSource: 'version',
            },
          ],
        }),
        expect.objectContaining({
          evidenceId: vexedEvidence,
          advisories: [expect.objectContaining({ id: advisoryId, status: 'not_affected', statusSource: 'vex' })],
        }),
      ]),
    );
    expect(JSON.stringify(exposure)).not.toContain(foreign);
  });

  it("VEX checks speak to what the supplier ships: its products matched (by normalised purl) to the supplier's SBOM components", async () => {
    const org = await signupTenant();
    const asOrg = bearer(org.accessToken);
    const upload = async (supplierId: string, content: Buffer, filename: string) => {
      const accepted = await gateway('/api/v1/evidence', { method: 'POST', body: form({ supplierId }, content, filename), headers: asOrg });
      expect(accepted.status).toBe(202);
      return settledEvidence(org.accessToken, accepted.body.id);
    };
    const productsCheck = (evidence: { checks: { key: string; result: string; detail: string }[] }) =>
      evidence.checks.find((check) => check.key === 'vex.products_matched');
    const [ships, shipsOther, noSbom, commons] = await Promise.all([
      kit.supplier(org.tenant.id, 'Ships Log4j Ltd'),
      kit.supplier(org.tenant.id, 'Ships Lodash Only Ltd'),
      kit.supplier(org.tenant.id, 'No SBOM Ltd'),
      kit.supplier(org.tenant.id, 'Commons Ltd'),
    ]);
    await upload(ships, SBOM, 'bom.json');
    const vex = OPENVEX_NOT_AFFECTED;
    const shipped = await upload(ships, vex, 'vex.json');
    expect(shipped).toMatchObject({ status: 'processed', kind: 'vex', facts: { products: ['pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1'] } });
    expect(productsCheck(shipped)).toMatchObject({
      key: 'vex.products_matched',
      result: 'pass',
      detail: "all 1 product(s) are components of the supplier's SBOMs",
    });

    // A VEX about a package the supplier does not ship is a visible failure, not a pass.
    await upload(shipsOther, Buffer.from(SBOM.toString('utf8').replace(/log4j-core@2\.14\.1/g, 'log4j-core-other@2.14.1')), 'bom.json');
    const elsewhere = await upload(shipsOther, vex, 'vex.json');
    expect(productsCheck(elsewhere)).toMatchObject({ result: 'fail', detail: expect.stringMatching(/^none of 1 product\(s\) is a component/) });
    // No SBOM to match against: said so.
    expect(productsCheck(await upload(noSbom, vex, 'vex.json'))).toMatchObject({
      result: 'warn',
      detail: 'no SBOM of the supplier to match 1 product(s) against',
    });

    // Apache Commons Text's own CycloneDX VEX in XML names its product without a version: any shipped version matches.
    const commonsBom = JSON.parse(SBOM.toString('utf8'));
    commonsBom.components.push({
      type: 'library',
      group: 'org.apache.commons',
      name: 'commons-text',
      version: '1.14.0',
      purl: 'pkg:maven/org.apache.commons/commons-text@1.14.0?type=jar',
    });
    const commonsSbom = Buffer.from(JSON.stringify(commonsBom));
    expect(await upload(commons, commonsSbom, 'bom.json')).toMatchObject({ status: 'processed', facts: { componentCount: 4 } });
    const commonsVex = await upload(
      commons,
      readFileSync(join(__dirname, '../../../libs/evidence/src/parsing/__fixtures__/real/commons-text-vex.cdx.xml')),
      'vex.cdx.xml',
    );
    expect(commonsVex).toMatchObject({
      status: 'processed',
      kind: 'vex',
      facts: { format: 'cyclonedx', products: ['pkg:maven/org.apache.commons/commons-text?type=jar'] },
    });
    expect(productsCheck(commonsVex)?.result).toBe('pass');
  });
});
