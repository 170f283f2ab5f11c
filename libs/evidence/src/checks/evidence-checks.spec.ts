import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { parseEvidence } from '../parsing/evidence-parser';
import { CHECK_CLAIMS, runChecks } from './evidence-checks';

const real = (name: string) => readFileSync(join(__dirname, '../parsing/__fixtures__/real', name));
const catalogue = parse(readFileSync(join(__dirname, '../../../assessments/src/catalogue/uk-sscop.yaml'), 'utf8')) as {
  checks: Record<string, { claims: string[] }>;
  evidence_kinds: string[];
};
const now = new Date('2026-01-01T00:00:00Z');
const options = { kindHint: null, sbomMaxAgeDays: 180, detectBinary: async () => undefined, now };
const context = { now, sbomMaxAgeDays: 180, productId: null };
const checksOf = async (content: Buffer) => {
  const parsed = await parseEvidence(content, options);
  return Object.fromEntries(runChecks(parsed, context).map((check) => [check.key, check]));
};

describe('evidence checks', () => {
  it('every check the worker runs is in the catalogue, supporting the same claims', () => {
    for (const [key, claims] of Object.entries(CHECK_CLAIMS)) expect({ key, claims: catalogue.checks[key]?.claims }).toEqual({ key, claims });
    expect(catalogue.evidence_kinds).toEqual(expect.arrayContaining(['vex', 'scorecard', 'advisory', 'end_of_life']));
  });

  it('VEX: statements present and not_affected justified (real CycloneDX VEX, JSON and XML)', async () => {
    const json = await checksOf(real('cdx-examples-vex-case-1.json'));
    expect(json['vex.statements']).toMatchObject({ result: 'pass', claimIds: ['3.3.2', '3.4.2'] });
    expect(json['vex.justified']?.result).toMatch(/^(pass|not_applicable)$/);
    const xml = await checksOf(real('commons-text-vex.cdx.xml'));
    expect(xml['vex.statements']?.result).toBe('pass');
    const unjustified = Buffer.from(
      JSON.stringify({
        '@context': 'https://openvex.dev/ns/v0.2.0',
        '@id': 'https://example.org/vex-1',
        author: 'Example',
        timestamp: '2025-01-01T00:00:00Z',
        statements: [
          { vulnerability: { name: 'CVE-2024-0001' }, products: [{ '@id': 'pkg:npm/a@1.0.0' }], status: 'not_affected' },
          {
            vulnerability: { name: 'CVE-2024-0002' },
            products: [{ '@id': 'pkg:npm/a@1.0.0' }],
            status: 'not_affected',
            justification: 'vulnerable_code_not_present',
          },
        ],
      }),
    );
    expect((await checksOf(unjustified))['vex.justified']).toMatchObject({ result: 'fail', detail: '1 of 2 not_affected statement(s) give no justification' });
  });

  it("VEX: its products are matched to the supplier's SBOM components (by versionless purl, and version when it names one)", async () => {
    const xml = await parseEvidence(real('commons-text-vex.cdx.xml'), options);
    expect(xml.facts['products']).toEqual(['pkg:maven/org.apache.commons/commons-text?type=jar']);
    const productsCheck = (versions: [string, (string | null)[]][], sboms = true) =>
      runChecks(xml, { ...context, shippedPackages: { sboms, versions: new Map(versions.map(([base, list]) => [base, new Set(list)])) } }).find(
        (check) => check.key === 'vex.products_matched',
      );
    expect(productsCheck([['pkg:maven/org.apache.commons/commons-text', ['1.14.0']]])).toMatchObject({ result: 'pass', claimIds: ['3.3.2', '3.4.2'] });
    expect(productsCheck([['pkg:maven/org.apache.commons/commons-lang3', ['3.17.0']]])).toMatchObject({ result: 'fail' });
    expect(productsCheck([], false)).toMatchObject({ result: 'warn', detail: 'no SBOM of the supplier to match 1 product(s) against' });
    // A product with a version names that version: another version shipped is not it.
    const openVex = await parseEvidence(
      Buffer.from(
        JSON.stringify({
          '@context': 'https://openvex.dev/ns/v0.2.0',
          '@id': 'https://example.org/vex-2',
          author: 'Example',
          timestamp: '2025-01-01T00:00:00Z',
          statements: [
            { vulnerability: { name: 'CVE-2024-0001' }, products: [{ '@id': 'pkg:npm/a@1.0.0' }], status: 'fixed' },
            { vulnerability: { name: 'CVE-2024-0002' }, products: [{ '@id': 'pkg:npm/%40scope/b@2.0.0' }], status: 'fixed' },
          ],
        }),
      ),
      options,
    );
    expect(openVex.facts['products']).toEqual(['pkg:npm/%40scope/b@2.0.0', 'pkg:npm/a@1.0.0']);
    const shipped = {
      sboms: true,
      versions: new Map([
        ['pkg:npm/a', new Set<string | null>(['1.0.0'])],
        ['pkg:npm/%40scope/b', new Set<string | null>(['2.1.0'])],
      ]),
    };
    expect(runChecks(openVex, { ...context, shippedPackages: shipped }).find((check) => check.key === 'vex.products_matched')).toMatchObject({
      result: 'warn',
      detail: "1 of 2 product(s) are not components of the supplier's SBOMs (pkg:npm/%40scope/b@2.0.0)",
    });
    // The XML VEX's analysis is read whole: a justified not_affected is justified in XML as in JSON.
    const justified = real('commons-text-vex.cdx.xml')
      .toString('utf8')
      .replace('<state>exploitable</state>', '<state>not_affected</state><justification>code_not_reachable</justification>');
    expect((await checksOf(Buffer.from(justified)))['vex.justified']?.result).toBe('pass');
  });

  it('CSAF: a final advisory naming CVEs passes (real CSAF 2.0 examples)', async () => {
    const csaf = await checksOf(real('csaf-2.0-rhsa-2021_5217.json'));
    expect(csaf['advisory.published']).toMatchObject({ result: 'pass', claimIds: ['3.4.2'] });
    expect(csaf['advisory.identifies_vulnerabilities']?.result).toBe('pass');
  });

  it('OpenEoX: dated end of support passes; "tba" warns; notice measured against the statement date', async () => {
    const maximal = await checksOf(real('openeox-core-1.0-maximal.json'));
    expect(maximal['end_of_life.published']?.result).toBe('pass');
    expect(maximal['end_of_life.notice']?.result).toMatch(/^(pass|fail)$/);
    const tba = await checksOf(real('openeox-core-1.0-minimal-eol-tba.json'));
    expect(tba['end_of_life.published']?.result).toMatch(/^(warn|pass)$/);
  });

  it('Scorecard: each check against its threshold, inconclusive warns, missing is not applicable', async () => {
    const result = Buffer.from(
      JSON.stringify({
        date: '2025-06-01T00:00:00Z',
        repo: { name: 'github.com/example/widget', commit: 'abc' },
        scorecard: { version: 'v5.0.0', commit: 'def' },
        score: 6.1,
        checks: [
          { name: 'Signed-Releases', score: 8 },
          { name: 'Code-Review', score: 3 },
          { name: 'Fuzzing', score: -1 },
        ],
      }),
    );
    const checks = await checksOf(result);
    expect(checks['scorecard.signed-releases']).toMatchObject({ result: 'pass', claimIds: ['3.1.1'], detail: 'Signed-Releases 8/10 (7 needed)' });
    expect(checks['scorecard.code-review']).toMatchObject({ result: 'fail', claimIds: ['2.2.2'] });
    expect(checks['scorecard.fuzzing']?.result).toBe('warn');
    expect(checks['scorecard.sast']?.result).toBe('not_applicable');
  });
});

describe('declarations (CycloneDX Attestations)', () => {
  it('reads the CycloneDX specification’s attestation example: attestations, affirmation, signature present but not verified', async () => {
    const parsed = await parseEvidence(real('cdx-spec-1.6-attestation.json'), options);
    expect(parsed).toMatchObject({
      kind: 'declaration',
      facts: {
        format: 'cyclonedx',
        specVersion: '1.6',
        attestationCount: 1,
        requirements: ['requirement-1'],
        codeClaims: [],
        signed: true,
        signatureVerified: null,
      },
    });
    const checks = Object.fromEntries(runChecks(parsed, context).map((check) => [check.key, check]));
    expect(checks['declaration.code_requirements']).toMatchObject({ result: 'warn', claimIds: [] });
    expect(checks['declaration.affirmed']).toMatchObject({ result: 'pass', detail: 'affirmed by 2 signatory(ies)' });
  });

  it('attestations of the Code’s requirements name the claims they support', async () => {
    const document = JSON.parse(real('cdx-spec-1.6-attestation.json').toString());
    document.declarations.attestations[0].map[0].requirement = 'urn:assay:framework:uk-sscop:2025-05-07:requirement:1.2.1';
    document.declarations.attestations[0].map.push({ requirement: 'urn:assay:framework:uk-sscop:2025-05-07:requirement:3.2.1', conformance: { score: 1 } });
    delete document.declarations.affirmation;
    const parsed = await parseEvidence(Buffer.from(JSON.stringify(document)), options);
    expect(parsed.facts['codeClaims']).toEqual([
      { framework: 'uk-sscop', version: '2025-05-07', claimId: '1.2.1', conformance: 0.8, confidence: 1, rationale: 'Conformance rationale here' },
      // No rationale of its own: the attestation's summary stands for it.
      { framework: 'uk-sscop', version: '2025-05-07', claimId: '3.2.1', conformance: 1, confidence: null, rationale: 'Attestation summary here' },
    ]);
    const checks = Object.fromEntries(runChecks(parsed, context).map((check) => [check.key, check]));
    expect(checks['declaration.code_requirements']).toMatchObject({ result: 'pass', claimIds: ['1.2.1', '3.2.1'] });
    expect(checks['declaration.affirmed']).toMatchObject({ result: 'fail', claimIds: ['1.2.1', '3.2.1'] });
  });
});
