import { cycloneDxSbom, spdx3Sbom } from '@assay/shared/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runChecks } from '../checks/evidence-checks';
import { pemCertificates } from './certificate.parser';
import { checkRfc3339DateTime, rfc3339DateOrDateTime, rfc3339DateTime, x509Time } from './dates';
import { parseEvidence } from './evidence-parser';
import { EvidenceParseError } from './parse-result';

const real = (name: string) => readFileSync(join(__dirname, '__fixtures__/real', name)).toString();
const fixture = (name: string) => readFileSync(join(__dirname, '../../../../apps/evidence/src/fixtures', name)).toString();
const NOW = new Date('2026-06-01T00:00:00Z');
const parse = (content: string) => parseEvidence(Buffer.from(content), { kindHint: null, sbomMaxAgeDays: 180, detectBinary: async () => undefined, now: NOW });
const failure = (content: string) =>
  parse(content).then(
    () => null,
    (error: unknown) => error as Error,
  );
/** Content streamed in small chunks, as storage delivers it. */
const streamed = (content: string, size = 11) =>
  parseEvidence(
    async () =>
      (async function* () {
        const bytes = Buffer.from(content);
        for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
      })(),
    { kindHint: null, sbomMaxAgeDays: 180, detectBinary: async () => undefined, now: NOW },
  );

describe('RFC 3339 dates', () => {
  it('reads date-times with their offset, a lower-case t and z, fractions and leap seconds', () => {
    expect(rfc3339DateTime('2021-08-25T12:20:30+02:00', 'f')).toBe('2021-08-25T10:20:30.000Z');
    expect(rfc3339DateTime('2025-06-30t00:00:00z', 'f')).toBe('2025-06-30T00:00:00.000Z');
    expect(rfc3339DateTime('2023-01-08T23:58:16.700785648Z', 'f')).toBe('2023-01-08T23:58:16.700Z');
    expect(rfc3339DateTime('2016-12-31T23:59:60Z', 'f')).toBe('2016-12-31T23:59:59.999Z');
    expect(rfc3339DateTime('0050-01-01T00:00:00-00:30', 'f')).toBe('0050-01-01T00:30:00.000Z');
    expect(rfc3339DateTime(undefined, 'f')).toBeNull();
    expect(rfc3339DateTime('', 'f')).toBeNull();
    // Outside years 0001–9999: no date (Postgres has no year 0).
    expect(rfc3339DateTime('0000-06-01T00:00:00Z', 'f')).toBeNull();
  });

  it.each([
    ['2021-08-25T12:20:30', /^metadata\.timestamp "2021-08-25T12:20:30" has no UTC offset/],
    ['2021-08-25', /is a date without a time$/],
    ['2026-02-30T00:00:00Z', /is not a valid calendar date and time$/],
    ['2026-01-01T24:00:00Z', /is not a valid calendar date and time$/],
    ['2026-01-01T00:00:00+24:00', /impossible UTC offset$/],
    ['2026-01-01 00:00:00Z', /is not an RFC 3339 date-time$/],
    ['Wed, 01 Jan 2026 00:00:00 GMT', /is not an RFC 3339 date-time$/],
    ['1', /is not an RFC 3339 date-time$/],
    ['+275760-09-13T00:00:00.000Z', /is not an RFC 3339 date-time$/],
  ])('refuses %s, naming the field', (value, reason) => {
    expect(() => rfc3339DateTime(value, 'metadata.timestamp')).toThrow(EvidenceParseError);
    expect(() => rfc3339DateTime(value, 'metadata.timestamp')).toThrow(reason);
  });

  it('never reads a time in the server zone, whatever TZ is', () => {
    // Date.parse reads '2021-08-25T12:20:30' as local time; the strict reading refuses it instead.
    expect(checkRfc3339DateTime('2021-08-25T12:20:30')).toEqual({ instant: null, problem: expect.stringMatching(/no UTC offset/) });
  });

  it('full dates where a format writes a date (Scorecard) and certificate times', () => {
    expect(rfc3339DateOrDateTime('2024-02-29', 'date')).toBe('2024-02-29T00:00:00.000Z');
    expect(() => rfc3339DateOrDateTime('2023-02-29', 'date')).toThrow('is not a valid calendar date');
    expect(rfc3339DateOrDateTime('2024-02-29T10:00:00Z', 'date')).toBe('2024-02-29T10:00:00.000Z');
    expect(x509Time('Sep 29 19:21:40 2021 GMT')).toBe('2021-09-29T19:21:40.000Z');
    expect(x509Time('Mar  3 00:00:00 2024 GMT')).toBe('2024-03-03T00:00:00.000Z');
    expect(() => x509Time('2024-03-03')).toThrow(EvidenceParseError);
  });
});

describe('CycloneDX', () => {
  it('an SBOM whose timestamp has no offset fails with the reason', async () => {
    const bom = real('trivy-npm.cdx-1.7.json').replace('2021-08-25T12:20:30+00:00', '2021-08-25T12:20:30');
    expect((await failure(bom))?.message).toBe('metadata.timestamp "2021-08-25T12:20:30" has no UTC offset (RFC 3339 requires Z or ±hh:mm)');
  });

  it('1.7 streamed in small chunks reads as it does whole', async () => {
    const bom = real('trivy-npm.cdx-1.7.json');
    const [whole, chunks] = [await parse(bom), await streamed(bom)];
    expect(chunks.facts).toEqual(whole.facts);
    expect(chunks.components).toEqual(whole.components);
  });

  it('XML under a namespace prefix reads as the default-namespace document does', async () => {
    const plain = real('cdx-spec-1.7-bom.xml');
    // Every element of the CycloneDX namespace under the prefix `cdx`.
    const prefixed = plain
      .replace(/<(\/?)([A-Za-z][\w-]*)(?=[\s/>])/g, '<$1cdx:$2')
      .replace('xmlns="http://cyclonedx.org/schema/bom/1.7"', 'xmlns:cdx="http://cyclonedx.org/schema/bom/1.7"');
    expect(prefixed).toContain('<cdx:bom xmlns:cdx=');
    const [a, b] = [await parse(plain), await parse(prefixed)];
    expect(b.facts).toEqual(a.facts);
    expect(b.components).toEqual(a.components);
    expect(b.facts).toMatchObject({ specVersion: '1.7', componentCount: 3 });
  });

  it('elements of other namespaces are not read as CycloneDX', async () => {
    const vex = real('commons-text-vex.cdx.xml');
    // The VEX's vulnerabilities moved to a foreign namespace: a BOM of no components and no vulnerabilities, an SBOM.
    const foreign = vex.replace(/<(\/?)vulnerabilities>/g, '<$1x:vulnerabilities>').replace('<bom ', '<bom xmlns:x="urn:example" ');
    expect(await parse(foreign)).toMatchObject({ kind: 'sbom', facts: { componentCount: 0 } });
    // A bom element in another namespace, or under an undeclared prefix, is not CycloneDX.
    expect((await failure('<bom xmlns="http://example.com/bom"/>'))?.message).toMatch(/not a CycloneDX BOM namespace/);
    expect((await failure('<c:bom xmlns="http://cyclonedx.org/schema/bom/1.6"/>'))?.message).toMatch(/malformed XML|not a CycloneDX BOM namespace/);
  });

  it('VEX by content in XML: vulnerabilities with an analysis and no components', async () => {
    const vex = await parse(real('commons-text-vex.cdx.xml'));
    expect(vex).toMatchObject({ kind: 'vex', mediaType: 'application/vnd.cyclonedx+xml', facts: { statementCount: 1, statuses: { exploitable: 1 } } });
    // The same BOM with a component is an SBOM that reports a vulnerability.
    const withComponent = real('commons-text-vex.cdx.xml').replace(
      '<vulnerabilities>',
      '<components><component type="library"><name>x</name></component></components><vulnerabilities>',
    );
    expect(await parse(withComponent)).toMatchObject({ kind: 'sbom', facts: { componentCount: 1, vulnerabilityCount: 1 } });
  });
});

describe('SPDX relationships', () => {
  const document = (relationships: [string, string, string][], extra: Record<string, unknown> = {}) =>
    JSON.stringify({
      spdxVersion: 'SPDX-2.3',
      SPDXID: 'SPDXRef-DOCUMENT',
      creationInfo: { created: '2024-01-01T00:00:00Z', creators: ['Tool: t'] },
      packages: [
        { SPDXID: 'SPDXRef-app', name: 'app' },
        { SPDXID: 'SPDXRef-lib', name: 'lib' },
      ],
      files: [{ SPDXID: 'SPDXRef-file', fileName: 'a.js' }],
      relationships: relationships.map(([from, type, to]) => ({ spdxElementId: from, relationshipType: type, relatedSpdxElement: to })),
      ...extra,
    });

  it('a package that CONTAINS files is no dependency graph; package-to-package edges are', async () => {
    expect((await parse(document([['SPDXRef-app', 'CONTAINS', 'SPDXRef-file']]))).facts['hasDependencyGraph']).toBe(false);
    expect((await parse(document([['SPDXRef-lib', 'DEPENDS_ON', 'NOASSERTION']]))).facts['hasDependencyGraph']).toBe(false);
    expect((await parse(document([['SPDXRef-DOCUMENT', 'CONTAINS', 'SPDXRef-app']]))).facts['hasDependencyGraph']).toBe(false);
    for (const type of ['CONTAINS', 'DEPENDS_ON', 'DEPENDENCY_OF', 'DEV_DEPENDENCY_OF', 'DYNAMIC_LINK'])
      expect((await parse(document([['SPDXRef-app', type, 'SPDXRef-lib']]))).facts['hasDependencyGraph']).toBe(true);
    // Relationships before the packages they name: still read with every package known.
    const { relationships: _none, ...rest } = JSON.parse(document([])) as Record<string, unknown>;
    const early = JSON.stringify({
      relationships: [{ spdxElementId: 'SPDXRef-app', relationshipType: 'DEPENDS_ON', relatedSpdxElement: 'SPDXRef-lib' }],
      ...rest,
    });
    expect(early.indexOf('relationships')).toBeLessThan(early.indexOf('packages'));
    expect((await streamed(early)).facts['hasDependencyGraph']).toBe(true);
  });

  it('DESCRIBES and DESCRIBED_BY name the primary component, which is not counted as a component', async () => {
    for (const relationship of [
      ['SPDXRef-DOCUMENT', 'DESCRIBES', 'SPDXRef-app'],
      ['SPDXRef-app', 'DESCRIBED_BY', 'SPDXRef-DOCUMENT'],
    ] as [string, string, string][]) {
      const parsed = await parse(document([relationship, ['SPDXRef-app', 'DEPENDS_ON', 'SPDXRef-lib']]));
      expect(parsed.facts).toMatchObject({ componentCount: 1, primaryComponent: { name: 'app' }, hasDependencyGraph: true });
      expect(parsed.components?.map((c) => c.name)).toEqual(['lib']);
    }
  });

  it('tag-value: a package containing only files is no graph; a file section does not lend its SPDXID to the package', async () => {
    const source = fixture('spdx.spdx');
    const onlyFiles = source
      .replace(/^Relationship: .*$/gm, '')
      .concat('\nFileName: ./a.js\nSPDXID: SPDXRef-File-a\nRelationship: SPDXRef-Package-widget CONTAINS SPDXRef-File-a\n');
    const parsed = await parse(onlyFiles);
    expect(parsed.facts['hasDependencyGraph']).toBe(false);
  });
});

describe('SPDX 3.0 JSON-LD', () => {
  const graph = (elements: Record<string, unknown>[], specVersion = '3.0.1') =>
    JSON.stringify({
      '@context': 'https://spdx.org/rdf/3.0.1/spdx-context.jsonld',
      '@graph': [
        { type: 'CreationInfo', '@id': '_:ci', specVersion, created: '2025-01-02T03:04:05Z', createdUsing: ['urn:tool'] },
        { type: 'Tool', spdxId: 'urn:tool', name: 'sbom-tool 1.0', creationInfo: '_:ci' },
        { type: 'SpdxDocument', spdxId: 'urn:doc', creationInfo: '_:ci', rootElement: ['urn:sbom'] },
        { type: 'software_Sbom', spdxId: 'urn:sbom', creationInfo: '_:ci', rootElement: ['urn:app'] },
        ...elements,
      ],
    });
  const app = { type: 'software_Package', spdxId: 'urn:app', name: 'app', software_packageVersion: '2.0.0', creationInfo: '_:ci' };
  const lib = {
    type: 'software_Package',
    spdxId: 'urn:lib',
    name: 'lib',
    software_packageVersion: '1.2.3',
    software_packageUrl: 'pkg:npm/lib@1.2.3',
    verifiedUsing: [{ type: 'Hash', algorithm: 'sha256', hashValue: 'a'.repeat(64) }],
    suppliedBy: 'urn:org',
    creationInfo: '_:ci',
  };

  it('packages, the root as primary, licences through relationships, the graph from package-to-package edges', async () => {
    const parsed = await streamed(
      graph([
        { type: 'Relationship', spdxId: 'urn:r1', from: 'urn:app', relationshipType: 'dependsOn', to: ['urn:lib'], creationInfo: '_:ci' },
        { type: 'Relationship', spdxId: 'urn:r2', from: 'urn:lib', relationshipType: 'hasConcludedLicense', to: ['urn:mit'], creationInfo: '_:ci' },
        { type: 'simplelicensing_LicenseExpression', spdxId: 'urn:mit', simplelicensing_licenseExpression: 'MIT OR Apache-2.0', creationInfo: '_:ci' },
        app,
        lib,
      ]),
    );
    expect(parsed).toMatchObject({
      kind: 'sbom',
      mediaType: 'application/spdx+json',
      validUntil: '2025-07-01T03:04:05.000Z',
      facts: {
        format: 'spdx',
        specVersion: '3.0.1',
        componentCount: 1,
        primaryComponent: { name: 'app', version: '2.0.0', purl: null },
        hasDependencyGraph: true,
        createdAt: '2025-01-02T03:04:05.000Z',
        tool: 'sbom-tool 1.0',
        share: { purl: 1, identifiers: 1, hashes: 1, licences: 1, supplier: 1 },
      },
    });
    expect(parsed.components?.[0]).toMatchObject({
      name: 'lib',
      purl: 'pkg:npm/lib@1.2.3',
      licences: ['MIT OR Apache-2.0'],
      hashes: { 'SHA-256': 'a'.repeat(64) },
    });
  });

  it('the benchmark documents (CycloneDX 1.7, SPDX 3.0) read as every component, streamed', async () => {
    const spdx3 = await streamed(spdx3Sbom(300).toString(), 4096);
    expect(spdx3.facts).toMatchObject({
      specVersion: '3.0.1',
      componentCount: 300,
      hasDependencyGraph: true,
      tool: 'assay-bench',
      primaryComponent: { name: 'bench-app' },
    });
    expect(spdx3.facts['share']).toEqual({ purl: 1, identifiers: 1, hashes: 1, licences: 1, supplier: 0 });
    const cdx = await streamed(cycloneDxSbom(300, 'bench-app', '1.7').toString(), 4096);
    expect(cdx.facts).toMatchObject({ specVersion: '1.7', componentCount: 300 });
  });

  it('a package that contains files is no graph; other versions and a missing version are refused', async () => {
    const file = { type: 'software_File', spdxId: 'urn:file', name: 'a.js', creationInfo: '_:ci' };
    const contains = { type: 'Relationship', spdxId: 'urn:r', from: 'urn:lib', relationshipType: 'contains', to: ['urn:file'], creationInfo: '_:ci' };
    expect((await parse(graph([app, lib, file, contains]))).facts['hasDependencyGraph']).toBe(false);
    expect((await failure(graph([app], '2.3')))?.message).toBe('SPDX version 2.3 is not supported (3.0)');
    expect((await failure(JSON.stringify({ '@context': 'https://spdx.org/rdf/3.0.1/spdx-context.jsonld', '@graph': [app] })))?.message).toBe(
      'SPDX version (missing) is not supported (3.0)',
    );
  });
});

describe('CSAF 2.0', () => {
  const advisory = JSON.parse(real('csaf-2.0-bsi-2022-0001.json')) as { document: Record<string, unknown> & { tracking: Record<string, unknown> } };

  it('other versions, a missing tracking id and offset-less release dates are refused with the reason', async () => {
    expect((await failure(JSON.stringify({ ...advisory, document: { ...advisory.document, csaf_version: '1.2' } })))?.message).toBe(
      'CSAF version 1.2 is not supported (2.0)',
    );
    const { id: _id, ...untracked } = advisory.document.tracking;
    expect((await failure(JSON.stringify({ ...advisory, document: { ...advisory.document, tracking: untracked } })))?.message).toBe(
      'CSAF document.tracking.id is missing',
    );
    const local = { ...advisory.document.tracking, current_release_date: '2022-03-17T13:03:42' };
    expect((await failure(JSON.stringify({ ...advisory, document: { ...advisory.document, tracking: local } })))?.message).toMatch(
      /^document\.tracking\.current_release_date "2022-03-17T13:03:42" has no UTC offset/,
    );
  });

  it('products counted once across nested branches, full product names and relationships', async () => {
    const tree = {
      branches: [{ name: 'v', category: 'vendor', branches: [{ name: 'p', category: 'product_name', product: { product_id: 'A', name: 'a' } }] }],
      full_product_names: [
        { product_id: 'A', name: 'a' },
        { product_id: 'B', name: 'b' },
      ],
      relationships: [
        { category: 'installed_on', full_product_name: { product_id: 'C', name: 'c on b' }, product_reference: 'A', relates_to_product_reference: 'B' },
      ],
    };
    const parsed = await parse(JSON.stringify({ ...advisory, product_tree: tree, vulnerabilities: [{ cve: 'CVE-2024-0001' }, { cve: 'not a cve' }, {}] }));
    expect(parsed.facts).toMatchObject({ productCount: 3, cves: ['CVE-2024-0001'], vulnerabilityCount: 3 });
  });
});

describe('OpenEoX Core', () => {
  const core = JSON.parse(real('openeox-core-1.0-maximal.json')) as Record<string, unknown>;

  it('refuses other schemas, missing required dates and dates without offset, with the reason', async () => {
    expect((await failure(JSON.stringify({ ...core, $schema: 'https://docs.oasis-open.org/openeox/v2.0/schema/core.json' })))?.message).toMatch(
      /^OpenEoX schema .* is not supported \(Core 1\.0\)$/,
    );
    const { end_of_security_support: _gone, ...partial } = core;
    expect((await failure(JSON.stringify(partial)))?.message).toBe('OpenEoX end_of_security_support is missing');
    expect((await failure(JSON.stringify({ ...core, end_of_life: '2025-12-31' })))?.message).toBe('end_of_life "2025-12-31" is a date without a time');
  });
});

describe('PEM (RFC 7468)', () => {
  const leaf = fixture('certificate.pem');

  it('explanatory text before, between and after blocks; other labels skipped', async () => {
    const block = leaf.slice(leaf.indexOf('-----BEGIN CERTIFICATE-----'), leaf.indexOf('-----END CERTIFICATE-----') + 25);
    const chain = `subject=CN = widget\nissuer=CN = widget\n${block}\n\nBag Attributes: <No Attributes>\n-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n${block}\ntrailing words\n`;
    expect(pemCertificates(chain)).toHaveLength(2);
    const parsed = await parse(chain);
    expect(parsed).toMatchObject({ kind: 'certificate', facts: { chainLength: 2 } });
  });

  it('a block without its END line, or of bad base64, fails with the reason', async () => {
    expect((await failure('notes\n-----BEGIN CERTIFICATE-----\nMIIB\n'))?.message).toBe('PEM block "CERTIFICATE" has no matching END line');
    expect((await failure('notes\n-----BEGIN CERTIFICATE-----\nMI*B\n-----END CERTIFICATE-----\n'))?.message).toBe(
      'a PEM CERTIFICATE block is not valid base64',
    );
  });
});

describe('security.txt Expires (RFC 9116 §2.5.5)', () => {
  it('a date alone or a time without offset is refused with the reason, which the check reports', async () => {
    for (const [expires, reason] of [
      ['2027-01-01', 'is a date without a time'],
      ['2027-01-01T00:00:00', 'has no UTC offset'],
    ] as const) {
      const parsed = await parse(`Contact: mailto:security@example.com\nExpires: ${expires}\n`);
      expect(parsed.facts).toMatchObject({ expires: null, problems: [expect.stringContaining(reason)] });
      expect(parsed.validUntil).toBeNull();
      const check = runChecks(parsed, { now: NOW, sbomMaxAgeDays: 180, productId: null }).find((c) => c.key === 'security_txt.expires');
      expect(check).toMatchObject({ result: 'fail', detail: expect.stringContaining(reason) });
    }
  });
});
