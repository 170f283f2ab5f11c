import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseEvidence } from './evidence-parser';
import { EvidenceParseError } from './parse-result';

/*
 * Every file of the real-world corpus (__fixtures__/real, sources in its MANIFEST.md): files made by
 * Trivy, Syft, the CycloneDX Node.js module, the CycloneDX and SPDX specifications' own examples,
 * security.txt files of public sites and a Let's Encrypt certificate as published. Each row names
 * what the file must be read as.
 */

const DIRECTORY = join(__dirname, '__fixtures__/real');
const NOW = new Date('2026-06-01T00:00:00Z');
const read = (name: string) => readFileSync(join(DIRECTORY, name));
const parse = (content: Buffer) =>
  parseEvidence(content, { kindHint: null, sbomMaxAgeDays: 180, detectBinary: async () => undefined, now: NOW, maxBytes: 1 << 20 });

type Row = { kind: string; facts: Record<string, unknown>; components?: number } | { fails: RegExp };

const sbom = (format: string, specVersion: string, facts: Record<string, unknown>, components?: number): Row => ({
  kind: 'sbom',
  facts: { format, specVersion, ...facts },
  ...(components === undefined ? {} : { components }),
});

const CORPUS: Record<string, Row> = {
  'cdx-spec-1.2-metadata-tool.xml': sbom('cyclonedx', '1.2', { componentCount: 0, tool: 'Awesome Vendor Awesome Tool 9.1.2' }),
  'cdx-spec-1.2-dependency.json': sbom('cyclonedx', '1.2', { componentCount: 3, hasDependencyGraph: true }, 3),
  'cdx-spec-1.3-dependency.xml': sbom('cyclonedx', '1.3', { componentCount: 3, hasDependencyGraph: true }, 3),
  'cdx-spec-1.3-metadata-tool.json': sbom('cyclonedx', '1.3', { tool: 'Awesome Vendor Awesome Tool 9.1.2' }),
  'cdx-spec-1.4-component-hashes.xml': sbom('cyclonedx', '1.4', { componentCount: 1, share: expect.objectContaining({ hashes: 1 }) }, 1),
  'cdx-spec-1.4-vulnerability.json': sbom('cyclonedx', '1.4', { componentCount: 1, vulnerabilityCount: 1 }, 1),
  'cdx-spec-1.5-bom.xml': sbom('cyclonedx', '1.5', {
    componentCount: 3,
    primaryComponent: { name: 'Acme Application', version: '9.1.1', purl: null },
    createdAt: '2020-04-07T07:01:00.000Z',
  }),
  'cdx-spec-1.5-metadata-tool.json': sbom('cyclonedx', '1.5', { tool: 'Awesome Tool 9.1.2' }),
  'cdx-spec-1.6-bom.json': sbom('cyclonedx', '1.6', { componentCount: 3, hasDependencyGraph: true, createdAt: '2020-04-13T20:20:39.000Z' }, 3),
  'cdx-spec-1.6-dependency.xml': sbom('cyclonedx', '1.6', { componentCount: 3, hasDependencyGraph: true }, 3),
  'cdx-spec-1.7-bom.json': sbom(
    'cyclonedx',
    '1.7',
    { componentCount: 3, hasDependencyGraph: true, primaryComponent: expect.objectContaining({ name: 'Acme Application' }) },
    3,
  ),
  'cdx-spec-1.7-bom.xml': sbom(
    'cyclonedx',
    '1.7',
    { componentCount: 3, hasDependencyGraph: true, primaryComponent: expect.objectContaining({ name: 'Acme Application' }) },
    3,
  ),
  'cdx-spec-1.7-metadata-tool.xml': sbom('cyclonedx', '1.7', { tool: 'Awesome Tool 9.1.2' }),
  // Components and vulnerabilities: an SBOM that also reports vulnerabilities, not VEX.
  'cdx-spec-1.7-vulnerability.xml': sbom('cyclonedx', '1.7', { componentCount: 1, vulnerabilityCount: 1 }, 1),
  'cdx-examples-vex-case-1.json': { kind: 'vex', facts: { format: 'cyclonedx', specVersion: '1.4', statementCount: 1, statuses: { not_affected: 1 } } },
  'commons-text-vex.cdx.xml': { kind: 'vex', facts: { format: 'cyclonedx', specVersion: '1.6', statementCount: 1, statuses: { exploitable: 1 } } },
  'cyclonedx-node-lhc-vdm-editor.cdx-1.2.xml': sbom(
    'cyclonedx',
    '1.2',
    {
      componentCount: 43,
      primaryComponent: { name: 'lhc-vdm-editor', version: '0.0.1', purl: 'pkg:npm/lhc-vdm-editor@0.0.1' },
      tool: 'CycloneDX Node.js module 2.0.0',
      createdAt: '2020-08-03T01:28:47.678Z',
    },
    43,
  ),
  'trivy-npm.cdx-1.7.json': sbom(
    'cyclonedx',
    '1.7',
    {
      componentCount: 13,
      hasDependencyGraph: true,
      tool: 'Aqua Security Software Ltd. trivy dev',
      createdAt: '2021-08-25T12:20:30.000Z',
      vulnerabilityCount: 1,
    },
    13,
  ),
  'trivy-conda.cdx-1.7.json': sbom(
    'cyclonedx',
    '1.7',
    { componentCount: 2, hasDependencyGraph: true, primaryComponent: expect.objectContaining({ name: 'testdata/fixtures/repo/conda' }) },
    2,
  ),
  // The described filesystem is the primary component; it CONTAINS both packages (a graph); each package CONTAINS a file (not one).
  'trivy-conda.spdx-2.3.json': sbom(
    'spdx',
    '2.3',
    { componentCount: 2, hasDependencyGraph: true, primaryComponent: expect.objectContaining({ name: 'testdata/fixtures/repo/conda' }), tool: 'trivy-dev' },
    2,
  ),
  'trivy-centos-7.spdx-2.2.spdx': sbom(
    'spdx',
    '2.2',
    {
      componentCount: 3,
      hasDependencyGraph: true,
      primaryComponent: expect.objectContaining({ name: 'integration/testdata/fixtures/images/centos-7.tar.gz' }),
    },
    3,
  ),
  // DESCRIBES a file and a package; the package DYNAMIC_LINKs another package (a graph) and CONTAINS a file.
  'spdx-spec-2.2-example.spdx.json': sbom(
    'spdx',
    '2.2',
    { componentCount: 3, hasDependencyGraph: true, primaryComponent: { name: 'glibc', version: '2.11.1', purl: null }, createdAt: '2010-01-29T18:30:22.000Z' },
    3,
  ),
  'spdx-spec-2.2-example.spdx': sbom(
    'spdx',
    '2.2',
    { componentCount: 3, hasDependencyGraph: true, primaryComponent: expect.objectContaining({ name: 'glibc' }) },
    3,
  ),
  // The SBOM's root package is the primary component; its only other element is a file.
  'spdx-spec-3.0.1-package-sbom.jsonld': sbom(
    'spdx',
    '3.0.1',
    {
      componentCount: 0,
      hasDependencyGraph: false,
      primaryComponent: { name: 'my-package', version: '1.0.0', purl: null },
      createdAt: '2024-03-06T00:00:00.000Z',
    },
    0,
  ),
  'syft-directory.cdx.xml': { fails: /^metadata\.timestamp "redacted" is not an RFC 3339 date-time$/ },
  'syft-image.cdx.json': { fails: /^metadata\.timestamp "timestamp:redacted" is not an RFC 3339 date-time$/ },
  'syft-image.spdx.json': { fails: /^creationInfo\.created "redacted" is not an RFC 3339 date-time$/ },
  'syft-directory.spdx': { fails: /^Created "redacted" is not an RFC 3339 date-time$/ },
  'syft-directory.spdx3.jsonld': { fails: /^CreationInfo\.created "redacted" is not an RFC 3339 date-time$/ },
  'csaf-2.0-bsi-2022-0001.json': {
    kind: 'advisory',
    facts: {
      format: 'csaf',
      category: 'csaf_security_advisory',
      publisher: 'Bundesamt für Sicherheit in der Informationstechnik',
      trackingId: 'BSI-2022-0001',
      status: 'final',
      cves: ['CVE-2022-27193'],
      productCount: 6,
      currentReleaseDate: '2022-03-17T13:03:42.105Z',
    },
  },
  'csaf-2.0-rhsa-2021_5217.json': {
    kind: 'advisory',
    facts: { publisher: 'Red Hat Product Security', trackingId: 'RHSA-2021:5217', status: 'final', cves: ['CVE-2021-4133'], productCount: 1 },
  },
  'csaf-2.0-2022-evd-uc-01-na-001.json': {
    kind: 'advisory',
    facts: { category: 'csaf_vex', publisher: 'Example Company ProductCERT', trackingId: '2022-EVD-UC-01-NA-001', cves: ['CVE-2021-44228'], productCount: 1 },
  },
  'cdx-spec-1.6-attestation.json': {
    kind: 'declaration',
    facts: {
      format: 'cyclonedx',
      specVersion: '1.6',
      attestationCount: 1,
      claimCount: 1,
      requirements: ['requirement-1'],
      signed: true,
      signatureVerified: null,
    },
  },
  'openeox-core-1.0-maximal.json': {
    kind: 'end_of_life',
    facts: {
      format: 'openeox',
      endOfSupportAt: '2025-12-31T12:00:00.000Z',
      endOfLifeAt: '2025-12-31T12:00:00.000Z',
      endOfSalesAt: '2025-09-01T23:59:59.000Z',
      lastUpdated: '2025-02-01T12:00:00.000Z',
      products: [{ product: null, version: null, endOfSupportAt: '2025-12-31T12:00:00.000Z', endOfLifeAt: '2025-12-31T12:00:00.000Z' }],
    },
  },
  'openeox-core-1.0-minimal-eol-tba.json': {
    kind: 'end_of_life',
    facts: { endOfLifeAt: 'tba', endOfSupportAt: '2025-12-31T12:00:00.000Z', endOfSalesAt: null },
  },
  // Offsets of up to ±23:59 (here -20:30 and +03:37), converted to UTC.
  'openeox-core-1.0-timezones.json': {
    kind: 'end_of_life',
    facts: { endOfLifeAt: '2025-11-26T06:30:00.000Z', endOfSupportAt: '2025-11-26T06:23:00.000Z', endOfSalesAt: '2025-11-26T06:01:00.000Z' },
  },
  'jazzband-security.txt': {
    kind: 'security_txt',
    facts: {
      signed: true,
      contact: ['mailto:security@jazzband.co'],
      expires: '2023-09-30T10:00:00.000Z',
      expired: true,
      policy: ['https://jazzband.co/security'],
    },
  },
  // A lower-case "z" is a UTC offset in RFC 3339 (§5.6 note).
  'letsencrypt-security.txt': {
    kind: 'security_txt',
    facts: { signed: false, contact: ['mailto:security@letsencrypt.org'], expires: '2028-03-08T16:59:59.000Z', expired: false },
  },
  // Explanatory text (the `openssl x509 -text` dump) before the block, as RFC 7468 allows.
  'lets-encrypt-r3-cross-signed.txt.pem': {
    kind: 'certificate',
    facts: {
      subject: "C=US\nO=Let's Encrypt\nCN=R3",
      issuer: 'O=Digital Signature Trust Co.\nCN=DST Root CA X3',
      notBefore: '2020-10-07T19:21:40.000Z',
      notAfter: '2021-09-29T19:21:40.000Z',
      isCa: true,
      chainLength: 1,
      currentlyValid: false,
    },
  },
};

/** Syft's snapshots with their `redacted` placeholders replaced by a real time: what Syft writes outside its tests. */
const UNREDACTED: Record<string, [string, string, Row]> = {
  'syft-directory.cdx.xml': [
    '<timestamp>redacted</timestamp>',
    '<timestamp>2024-05-01T10:00:00+02:00</timestamp>',
    sbom('cyclonedx', '1.7', { componentCount: 3, createdAt: '2024-05-01T08:00:00.000Z', primaryComponent: expect.objectContaining({ name: 'some/path' }) }, 3),
  ],
  'syft-image.cdx.json': [
    '"timestamp:redacted"',
    '"2024-05-01T10:00:00Z"',
    sbom('cyclonedx', '1.7', { componentCount: 3, createdAt: '2024-05-01T10:00:00.000Z' }, 3),
  ],
  'syft-image.spdx.json': [
    '"redacted"',
    '"2024-05-01T10:00:00Z"',
    sbom(
      'spdx',
      '2.3',
      { componentCount: 2, hasDependencyGraph: true, tool: 'syft-v0.42.0-bogus', primaryComponent: expect.objectContaining({ name: 'user-image-input' }) },
      2,
    ),
  ],
  'syft-directory.spdx': [
    'Created: redacted',
    'Created: 2024-05-01T10:00:00Z',
    sbom('spdx', '2.3', { componentCount: 2, hasDependencyGraph: true, primaryComponent: expect.objectContaining({ name: 'some/path' }) }, 2),
  ],
  // SPDX 3.0 as Syft writes it: CURIE ids, the directory as the SBOM's root, `contains` relationships to both packages.
  'syft-directory.spdx3.jsonld': [
    '"redacted"',
    '"2024-05-01T10:00:00Z"',
    sbom(
      'spdx',
      '3.0.1',
      {
        componentCount: 2,
        hasDependencyGraph: true,
        tool: 'syft-v0.42.0-bogus',
        createdAt: '2024-05-01T10:00:00.000Z',
        primaryComponent: { name: 'some/path', version: null, purl: null },
        share: expect.objectContaining({ purl: 0.5, identifiers: 1 }),
      },
      2,
    ),
  ],
};

async function expectRow(content: Buffer, row: Row): Promise<void> {
  if ('fails' in row) {
    const failure = await parse(content).then(
      () => null,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(EvidenceParseError);
    expect((failure as Error).message).toMatch(row.fails);
    return;
  }
  const parsed = await parse(content);
  expect(parsed.kind).toBe(row.kind);
  expect(parsed.facts).toMatchObject(row.facts);
  if (row.components !== undefined) expect(parsed.components).toHaveLength(row.components);
}

describe('the real-world corpus', () => {
  it('lists every file of the corpus, and every file it lists exists', () => {
    const files = readdirSync(DIRECTORY).filter((name) => name !== 'MANIFEST.md');
    expect(files.sort()).toEqual(Object.keys(CORPUS).sort());
    const manifest = read('MANIFEST.md').toString();
    for (const name of files) expect(manifest).toContain(`\`${name}\``);
  });

  it.each(Object.entries(CORPUS))('%s', async (name, row) => {
    await expectRow(read(name), row);
  });

  it.each(Object.entries(UNREDACTED))('%s with a real time in place of its placeholder', async (name, [placeholder, time, row]) => {
    const source = read(name).toString();
    expect(source).toContain(placeholder);
    await expectRow(Buffer.from(source.split(placeholder).join(time)), row);
  });
});
