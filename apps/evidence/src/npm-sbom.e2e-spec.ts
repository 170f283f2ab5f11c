import { bearer, gateway, signupTenant, waitFor } from '@assay/shared/testing';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import parseSpdxExpression from 'spdx-expression-parse';
import { evidenceTestDatabases, form } from './evidence-test-kit';

const run = promisify(execFile);
const REPOSITORY = join(__dirname, '..', '..', '..');

type Json = Record<string, any>;

/** This repository's SBOM as npm itself writes it (from the lockfile: every package of the tree). */
async function npmSbom(format: 'cyclonedx' | 'spdx'): Promise<{ bytes: Buffer; document: Json }> {
  const { stdout } = await run('npm', ['sbom', '--sbom-format', format, '--package-lock-only'], {
    cwd: REPOSITORY,
    maxBuffer: 256 * 1024 * 1024,
    encoding: 'buffer',
    timeout: 120_000,
  });
  return { bytes: stdout, document: JSON.parse(stdout.toString('utf8')) };
}

const share = (part: number, whole: number) => Math.round((part / whole) * 1000) / 1000;
const isExpression = (value: unknown) => {
  if (typeof value !== 'string' || value === 'NOASSERTION' || value === 'NONE') return false;
  try {
    parseSpdxExpression(value);
    return true;
  } catch {
    return false;
  }
};

/** The checks an SBOM of the whole tree earns: thresholds as the catalogue states them, over the document's own counts. */
function expectedChecks(counts: { withPurl: number; withHashes: number; withLicences: number; total: number }): Record<string, string> {
  return {
    'sbom.parsed': 'pass',
    'sbom.has_components': 'pass',
    'sbom.identifiers': counts.withPurl / counts.total >= 0.9 ? 'pass' : 'fail',
    'sbom.hashes': counts.withHashes / counts.total >= 0.5 ? 'pass' : 'warn',
    'sbom.licences': counts.withLicences / counts.total >= 0.8 ? 'pass' : 'warn',
    'sbom.dependency_graph': 'pass',
    'sbom.fresh': 'pass',
    'sbom.primary_matches_product': 'not_applicable',
  };
}

/** Every component of a CycloneDX BOM, nested ones included (what Assay counts; `metadata.component` is the product itself). */
function cycloneDxComponents(bom: Json): Json[] {
  const all: Json[] = [];
  const pending: Json[] = [...(bom['components'] ?? [])];
  while (pending.length > 0) {
    const component = pending.pop() as Json;
    all.push(component);
    pending.push(...(component['components'] ?? []));
  }
  return all;
}

/** The packages an SPDX document describes (the product itself), by its DESCRIBES relationships and documentDescribes. */
function spdxDescribed(document: Json): Set<string> {
  const described = new Set<string>(document['documentDescribes'] ?? []);
  for (const relationship of document['relationships'] ?? []) {
    if (relationship['spdxElementId'] === 'SPDXRef-DOCUMENT' && relationship['relationshipType'] === 'DESCRIBES')
      described.add(relationship['relatedSpdxElement']);
  }
  return described;
}

describe('"done when": SBOMs npm writes of this repository, uploaded through the gateway', () => {
  const kit = evidenceTestDatabases();
  let cyclonedx: { bytes: Buffer; document: Json };
  let spdx: { bytes: Buffer; document: Json };

  beforeAll(async () => {
    [cyclonedx, spdx] = await Promise.all([npmSbom('cyclonedx'), npmSbom('spdx')]);
  }, 180_000);

  async function ingest(accessToken: string, supplierId: string, bytes: Buffer, filename: string): Promise<Json> {
    const accepted = await gateway('/api/v1/evidence', {
      method: 'POST',
      body: form({ supplierId, claimIds: '1.2.1' }, bytes, filename),
      headers: bearer(accessToken),
    });
    expect(accepted.status).toBe(202);
    expect(accepted.body.size).toBe(bytes.length);
    return waitFor(
      async () => {
        const response = await gateway(`/api/v1/evidence/${accepted.body.id}`, { headers: bearer(accessToken) });
        return ['processed', 'failed', 'rejected'].includes(response.body.status) ? response.body : null;
      },
      `${filename} to be processed`,
      60_000,
    );
  }

  const storedComponents = async (evidenceId: string): Promise<number> =>
    (await kit.owner.query(`select count(*)::int as n from evidence.components where evidence_id = $1`, [evidenceId]))[0].n;

  const results = (evidence: Json) => Object.fromEntries(evidence['checks'].map((check: Json) => [check['key'], check['result']]));

  it('CycloneDX: every component of the tree, npm named as the tool, checks from the document', async () => {
    const org = await signupTenant();
    const supplierId = await kit.supplier(org.tenant.id, 'Assay itself');
    const bom = cyclonedx.document;
    const components = cycloneDxComponents(bom);
    expect(components.length).toBeGreaterThan(500);
    const evidence = await ingest(org.accessToken, supplierId, cyclonedx.bytes, 'assay.cdx.json');

    const tool = bom['metadata']['tools'][0] ?? bom['metadata']['tools']['components'][0];
    const withPurl = components.filter((c) => c['purl']).length;
    const withHashes = components.filter((c) => (c['hashes'] ?? []).length > 0).length;
    const withLicences = components.filter((c) => (c['licenses'] ?? []).length > 0).length;
    expect(evidence).toMatchObject({
      status: 'processed',
      kind: 'sbom',
      mediaType: 'application/vnd.cyclonedx+json',
      facts: {
        format: 'cyclonedx',
        specVersion: bom['specVersion'],
        componentCount: components.length,
        primaryComponent: { name: bom['metadata']['component']['name'], version: bom['metadata']['component']['version'] },
        tool: [tool['vendor'], tool['name'], tool['version']].join(' '),
        share: { purl: share(withPurl, components.length), hashes: share(withHashes, components.length), licences: share(withLicences, components.length) },
        hasDependencyGraph: true,
      },
    });
    expect(evidence.facts.tool).toMatch(/^npm cli \d+\.\d+\.\d+/);
    expect(await storedComponents(evidence.id)).toBe(components.length);
    expect(results(evidence)).toEqual(expectedChecks({ withPurl, withHashes, withLicences, total: components.length }));

    // A package of the tree is found by its purl, with and without its version.
    const bullmq = components.find((c) => c['name'] === 'bullmq') as Json;
    const exact = await gateway(`/api/v1/components?purl=${encodeURIComponent(bullmq['purl'])}`, { headers: bearer(org.accessToken) });
    expect(exact.body.data).toEqual([expect.objectContaining({ supplierId, evidenceId: evidence.id, version: bullmq['version'] })]);
  });

  it('SPDX: every package but the one the document describes, checks from the document', async () => {
    const org = await signupTenant();
    const supplierId = await kit.supplier(org.tenant.id, 'Assay itself');
    const document = spdx.document;
    const described = spdxDescribed(document);
    expect(described.size).toBe(1);
    const packages: Json[] = document['packages'].filter((pkg: Json) => !described.has(pkg['SPDXID']));
    const primary = document['packages'].find((pkg: Json) => described.has(pkg['SPDXID']));
    // The root package is the product, not one of its components.
    expect(packages.length).toBe(document['packages'].length - 1);
    const evidence = await ingest(org.accessToken, supplierId, spdx.bytes, 'assay.spdx.json');

    const withPurl = packages.filter((pkg) => (pkg['externalRefs'] ?? []).some((ref: Json) => ref['referenceType'] === 'purl')).length;
    const withHashes = packages.filter((pkg) => (pkg['checksums'] ?? []).length > 0).length;
    const withLicences = packages.filter((pkg) => isExpression(pkg['licenseConcluded']) || isExpression(pkg['licenseDeclared'])).length;
    const tool = (document['creationInfo']['creators'] as string[])
      .find((creator) => creator.startsWith('Tool:'))
      ?.slice(5)
      .trim();
    expect(evidence).toMatchObject({
      status: 'processed',
      kind: 'sbom',
      mediaType: 'application/spdx+json',
      facts: {
        format: 'spdx',
        specVersion: document['spdxVersion'].replace('SPDX-', ''),
        componentCount: packages.length,
        primaryComponent: { name: primary['name'], version: primary['versionInfo'] },
        tool,
        share: { purl: share(withPurl, packages.length), hashes: share(withHashes, packages.length), licences: share(withLicences, packages.length) },
        hasDependencyGraph: true,
      },
    });
    expect(tool).toMatch(/^npm\/cli-\d+\.\d+\.\d+/);
    expect(await storedComponents(evidence.id)).toBe(packages.length);
    expect(results(evidence)).toEqual(expectedChecks({ withPurl, withHashes, withLicences, total: packages.length }));
  });
});
