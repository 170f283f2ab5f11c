import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runChecks } from '../checks/evidence-checks';
import { parseEvidence } from './evidence-parser';
import { EvidenceParseError, UnsupportedEvidenceError } from './parse-result';

const fixture = (name: string) => readFileSync(join(__dirname, '../../../../apps/evidence/src/fixtures', name));
const options = {
  kindHint: null,
  sbomMaxAgeDays: 180,
  detectBinary: async (content: Buffer) => (content.subarray(0, 5).toString() === '%PDF-' ? { mime: 'application/pdf', ext: 'pdf' } : undefined),
};
const parse = (content: Buffer | string, hint: Parameters<typeof parseEvidence>[1]['kindHint'] = null) =>
  parseEvidence(Buffer.isBuffer(content) ? content : Buffer.from(content), { ...options, kindHint: hint });

/** A CycloneDX JSON SBOM of n components, its keys in the order given. */
function cycloneDx(n: number, order: ('head' | 'components')[] = ['head', 'components']): string {
  const parts = {
    head: '"bomFormat":"CycloneDX","specVersion":"1.6","metadata":{"timestamp":"2099-01-01T00:00:00Z","component":{"name":"app"}}',
    components: `"components":[${Array.from({ length: n }, (_, i) => JSON.stringify({ type: 'library', name: `pkg-${i}`, version: '1.0.0', purl: `pkg:npm/pkg-${i}@1.0.0`, licenses: [{ license: { id: 'MIT' } }] })).join(',')}]`,
  };
  return `{${order.map((part) => parts[part]).join(',')}}`;
}

/** Content streamed in small chunks (a multi-byte character may be cut in two), as storage delivers it. */
const streamed =
  (content: string, size = 7) =>
  async () =>
    (async function* () {
      const bytes = Buffer.from(content);
      for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
    })();

describe('evidence parsers', () => {
  it('CycloneDX JSON: nested components, normalised purls, licences, hashes, facts and checks', async () => {
    const parsed = await parse(fixture('cyclonedx.json'), 'policy');
    expect(parsed.kind).toBe('sbom');
    expect(parsed.facts).toMatchObject({ format: 'cyclonedx', specVersion: '1.5', componentCount: 3, hasDependencyGraph: true, tool: 'cyclonedx-npm 1.19.0' });
    expect(parsed.components?.map((c) => c.purl).sort()).toEqual([
      'pkg:maven/org.apache.logging.log4j/log4j-api@2.14.1',
      'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1',
      'pkg:npm/lodash@4.17.21',
    ]);
    expect(parsed.components?.find((c) => c.name === 'log4j-core')).toMatchObject({
      purlBase: 'pkg:maven/org.apache.logging.log4j/log4j-core',
      licences: ['Apache-2.0'],
    });
    expect(parsed.validUntil).toBe('2099-06-30T00:00:00.000Z');
    const checks = runChecks(parsed, { now: new Date(), sbomMaxAgeDays: 180, productId: null });
    expect(checks.find((c) => c.key === 'sbom.identifiers')).toMatchObject({ result: 'pass', claimIds: ['1.2.1'] });
    expect(checks.find((c) => c.key === 'sbom.hashes')?.result).toBe('warn');
  });

  it('CycloneDX XML, SPDX JSON and SPDX tag-value', async () => {
    const xml = await parse(fixture('cyclonedx.xml'));
    expect(xml.facts).toMatchObject({ format: 'cyclonedx', specVersion: '1.4', componentCount: 1, primaryComponent: { name: 'widget-server' } });
    expect(xml.components?.[0]).toMatchObject({
      purl: 'pkg:maven/org.apache.commons/commons-text@1.9',
      licences: ['Apache-2.0'],
      hashes: { 'SHA-1': 'a'.repeat(40) },
    });
    const spdx = await parse(fixture('spdx.json'));
    expect(spdx.facts).toMatchObject({ format: 'spdx', specVersion: '2.3', componentCount: 1, primaryComponent: { name: 'widget' }, hasDependencyGraph: true });
    const tagValue = await parse(fixture('spdx.spdx'));
    expect(tagValue.facts).toMatchObject({ format: 'spdx', componentCount: 1, primaryComponent: { name: 'widget' }, hasDependencyGraph: true });
    expect(tagValue.components?.[0]).toMatchObject({ purl: 'pkg:npm/minimist@1.2.8', licences: ['MIT'] });
  });

  it('security.txt, plain and cleartext-signed; expired', async () => {
    const plain = await parse(fixture('security.txt'));
    expect(plain).toMatchObject({ kind: 'security_txt', validUntil: '2099-12-31T23:59:59.000Z', facts: { signed: false, preferredLanguages: ['en', 'cy'] } });
    expect(runChecks(plain, { now: new Date(), sbomMaxAgeDays: 180, productId: null }).every((c) => c.result === 'pass')).toBe(true);
    const signed = await parse(fixture('security-signed.txt'));
    expect(signed.facts).toMatchObject({ signed: true, contact: ['mailto:security@widget.example'] });
    const expired = await parse('Contact: mailto:a@b.example\nExpires: 2001-01-01T00:00:00Z\n');
    expect(runChecks(expired, { now: new Date(), sbomMaxAgeDays: 180, productId: null }).find((c) => c.key === 'security_txt.expires')?.result).toBe('fail');
  });

  it('provenance and certificates (PEM and DER)', async () => {
    const provenance = await parse(fixture('provenance.json'));
    expect(provenance.facts).toMatchObject({ predicateType: 'https://slsa.dev/provenance/v1', hostedBuilder: true });
    const envelope = { payloadType: 'application/vnd.in-toto+json', payload: fixture('provenance.json').toString('base64'), signatures: [{ sig: 'x' }] };
    expect((await parse(JSON.stringify(envelope))).facts).toMatchObject({ envelope: true, signed: true });
    const pem = await parse(fixture('certificate.pem'), 'policy');
    expect(pem).toMatchObject({ kind: 'certificate', facts: { selfSigned: true, keyType: 'ec', chainLength: 1, currentlyValid: true } });
    expect(String(pem.facts['subject'])).toContain('CN=updates.widget-works.example');
    expect(pem.validUntil).toBe(pem.facts['notAfter']);
    const der = await parse(fixture('certificate.der'));
    expect(der.kind).toBe('certificate');
    expect(der.facts['fingerprint256']).toBe(pem.facts['fingerprint256']);
    expect(runChecks(pem, { now: new Date(), sbomMaxAgeDays: 180, productId: null })).toEqual([
      expect.objectContaining({ key: 'certificate.valid', result: 'pass', claimIds: ['2.1.4'] }),
    ]);
    const afterExpiry = new Date(Date.parse(String(pem.validUntil)) + 86_400_000);
    expect(runChecks(pem, { now: afterExpiry, sbomMaxAgeDays: 180, productId: null })[0]?.result).toBe('fail');
    await expect(parse('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n')).rejects.toBeInstanceOf(EvidenceParseError);
  });

  it('documents take the client hint only when the content is a document; other content ignores it', async () => {
    expect((await parse('%PDF-1.7\n/Type /Page\n', 'pentest_report')).kind).toBe('pentest_report');
    expect((await parse(fixture('security.txt'), 'pentest_report')).kind).toBe('security_txt');
  });

  it('hostile and malformed input fails with a reason, never crashes or pollutes prototypes', async () => {
    await expect(parse('{"bomFormat":"CycloneDX","specVersion":"1.5","components":[')).rejects.toThrow(/malformed JSON/);
    await expect(parse(`{"a":${'['.repeat(10_000)}${']'.repeat(10_000)}}`)).rejects.toThrow(/nested deeper/);
    await expect(parse(`${'['.repeat(10_000)}${']'.repeat(10_000)}`)).rejects.toBeInstanceOf(UnsupportedEvidenceError);
    await expect(parse('{"bomFormat":"CycloneDX","specVersion":"1.5","components":[{"name":"a","licenses":[{"__proto__":{}}]}]}')).rejects.toThrow(/__proto__/);
    await expect(parse('{"bomFormat":"CycloneDX","specVersion":"1.5","components":{"name":"a"}}')).rejects.toThrow(/"components" must be an array/);
    await expect(parse('{"bomFormat":"CycloneDX","specVersion":"1.5"} {"more":1}')).rejects.toThrow(/malformed JSON/);
    await expect(parse('{"bomFormat":"CycloneDX","specVersion":"1.5","__proto__":{"polluted":true}}')).rejects.toThrow(/__proto__/);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    await expect(
      parse('<?xml version="1.0"?><!DOCTYPE bom [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]><bom xmlns="http://cyclonedx.org/schema/bom/1.5">&b;</bom>'),
    ).rejects.toThrow(/DTD/);
    await expect(parse('<bom xmlns="http://cyclonedx.org/schema/bom/1.5"><components><component>')).rejects.toThrow(/malformed XML/);
    await expect(parse(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]))).rejects.toThrow(/UTF-8/);
    await expect(parse('{"bomFormat":"CycloneDX","specVersion":"9.9"}')).rejects.toThrow(/specVersion/);
    await expect(parse('{"hello":"world"}')).rejects.toBeInstanceOf(UnsupportedEvidenceError);
  });

  it('streams a JSON SBOM: components reach the handler in batches, whatever the key order, and are not kept', async () => {
    for (const order of [
      ['head', 'components'],
      ['components', 'head'],
    ] as const) {
      const batches: number[] = [];
      let seen = 0;
      const parsed = await parseEvidence(Buffer.from(cycloneDx(4_500, [...order])), {
        ...options,
        onComponents: async (batch) => {
          batches.push(batch.length);
          seen += batch.filter((component) => component.purl?.startsWith('pkg:npm/pkg-') && component.licences[0] === 'MIT').length;
        },
      });
      expect(parsed.components).toBeUndefined();
      expect(parsed.facts).toMatchObject({
        format: 'cyclonedx',
        specVersion: '1.6',
        componentCount: 4_500,
        primaryComponent: { name: 'app' },
        share: { purl: 1, licences: 1 },
      });
      expect(seen).toBe(4_500);
      expect(batches.length).toBeGreaterThanOrEqual(3);
      expect(Math.max(...batches)).toBeLessThan(4_500);
    }
  });

  it('reads streamed content cut anywhere, multi-byte characters included, and SPDX packages described only at the end', async () => {
    const spdx = JSON.stringify({
      spdxVersion: 'SPDX-2.3',
      creationInfo: { created: '2099-01-01T00:00:00Z', creators: ['Tool: tést-tool'] },
      packages: [
        { SPDXID: 'SPDXRef-app', name: 'äpp', versionInfo: '2.0.0' },
        {
          SPDXID: 'SPDXRef-dep',
          name: 'dép',
          versionInfo: '1.0.0',
          externalRefs: [{ referenceType: 'purl', referenceLocator: 'pkg:npm/dep@1.0.0' }],
          checksums: [{ algorithm: 'SHA256', checksumValue: 'a'.repeat(64) }],
        },
      ],
      relationships: [
        { spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: 'SPDXRef-app' },
        { spdxElementId: 'SPDXRef-app', relationshipType: 'DEPENDS_ON', relatedSpdxElement: 'SPDXRef-dep' },
      ],
    });
    const parsed = await parseEvidence(streamed(spdx), options);
    expect(parsed.facts).toMatchObject({
      format: 'spdx',
      componentCount: 1,
      primaryComponent: { name: 'äpp', version: '2.0.0' },
      hasDependencyGraph: true,
      tool: 'tést-tool',
      share: { hashes: 1 },
    });
    expect(parsed.components).toEqual([expect.objectContaining({ name: 'dép', purl: 'pkg:npm/dep@1.0.0', type: 'npm' })]);
    const cut = Buffer.from('{"bomFormat":"CycloneDX","specVersion":"1.5","components":[{"name":"é"}]}');
    await expect(
      parseEvidence(
        async () =>
          (async function* () {
            yield cut.subarray(0, 62);
            yield Buffer.from([0xff]);
          })(),
        options,
      ),
    ).rejects.toThrow(/UTF-8/);
  });

  it('reads a CycloneDX BOM that names its format first in one pass, and writes while it parses', async () => {
    let opened = 0;
    let chunksRead = 0;
    const content = Buffer.from(cycloneDx(2_000));
    const source = async () => {
      opened += 1;
      return (async function* () {
        for (let at = 0; at < content.length; at += 4096, chunksRead += 1) yield content.subarray(at, at + 4096);
      })();
    };
    let writing = 0;
    let mostAtOnce = 0;
    let written = 0;
    let readDuringWrites = 0;
    const parsed = await parseEvidence(source, {
      ...options,
      onComponents: async (batch) => {
        writing += 1;
        mostAtOnce = Math.max(mostAtOnce, writing);
        const before = chunksRead;
        await new Promise((resolve) => setTimeout(resolve, 5));
        readDuringWrites += chunksRead - before;
        written += batch.length;
        writing -= 1;
      },
    });
    expect(parsed.facts).toMatchObject({ componentCount: 2_000 });
    expect(written).toBe(2_000);
    // One write at a time, in order, while the parser reads on.
    expect(mostAtOnce).toBe(1);
    expect(readDuringWrites).toBeGreaterThan(0);
    // Opened for the head that detection reads, then once for the whole document.
    expect(opened).toBe(2);
    // Components before the format: a second pass, same result.
    opened = 0;
    const late = cycloneDx(2_000, ['components', 'head']);
    const again = await parseEvidence(
      async () => {
        opened += 1;
        return streamed(late, 4096)();
      },
      { ...options, onComponents: async () => undefined },
    );
    expect(again.facts).toMatchObject({ componentCount: 2_000 });
    expect(opened).toBe(3);
  });

  it('a failed batch write fails the parse (never an unhandled rejection); a format or version given twice is refused', async () => {
    let calls = 0;
    await expect(
      parseEvidence(Buffer.from(cycloneDx(1_000)), {
        ...options,
        onComponents: async () => {
          calls += 1;
          if (calls === 2) throw new Error('database went away');
        },
      }),
    ).rejects.toThrow('database went away');
    await expect(parse('{"bomFormat":"CycloneDX","specVersion":"1.5","bomFormat":"SPDX","components":[]}')).rejects.toThrow(/"bomFormat" appears twice/);
    await expect(parse('{"bomFormat":"CycloneDX","specVersion":"1.5","components":[{"name":"a"}],"specVersion":"1.6"}')).rejects.toThrow(/appears twice/);
    await expect(parse('{"bomFormat":"CycloneDX","specVersion":"1.1","components":[{"name":"a"}]}')).rejects.toThrow(/specVersion 1.1/);
  });
});
