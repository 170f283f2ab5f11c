import { bearer, evidenceTestDatabases, form, gateway, settledEvidence, signupTenant, testStack } from '@assay/shared/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const fixture = (name: string) => readFileSync(join(__dirname, '../../apps/evidence/src/fixtures', name));
const real = (name: string) => readFileSync(join(__dirname, '../../libs/evidence/src/parsing/__fixtures__/real', name));
const sigstore = (name: string) => readFileSync(join(__dirname, '../../libs/evidence/src/signatures/__fixtures__/sigstore', `${name}.sigstore.json`));

/*
 * Hostile uploads through the gateway, processed by the stack's real worker: each ends `failed` or
 * `rejected` with a reason naming what is wrong (or is refused at intake), and the worker is still
 * there afterwards. (Oversize uploads, a 413, are covered by apps/evidence/src/evidence.e2e-spec.ts.)
 */

const SBOM_HEAD = '{"bomFormat":"CycloneDX","specVersion":"1.5",';
const XML_HEAD = '<?xml version="1.0"?>';
const SPDX3_CONTEXT = 'https://spdx.org/rdf/3.0.1/spdx-context.jsonld';
const BOM_XML = (body: string) =>
  `<bom xmlns="http://cyclonedx.org/schema/bom/1.5"><components><component type="library"><name>${body}</name></component></components></bom>`;
const zipOf = (name: string) =>
  Buffer.concat([
    Buffer.from('PK\x03\x04\x14\x00\x00\x00\x00\x00', 'latin1'),
    Buffer.alloc(16),
    Buffer.from([name.length, 0, 0, 0]),
    Buffer.from(name),
    Buffer.from('PK\x05\x06', 'latin1'),
    Buffer.alloc(18),
  ]);
const ELF = Buffer.concat([Buffer.from('\x7fELF\x02\x01\x01\x00', 'latin1'), Buffer.alloc(56), Buffer.from([0x3e, 0x00])]);
const PNG = Buffer.concat([
  Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex'),
  Buffer.from(`${SBOM_HEAD}"components":[]}`),
]);

interface HostileUpload {
  name: string;
  filename: string;
  content: () => Buffer;
  /** The part's declared type (the client's word, never trusted). */
  type?: string;
  outcome: 'failed' | 'rejected';
  reason: RegExp;
}

const CORPUS: HostileUpload[] = [
  {
    name: 'XXE: an external entity',
    filename: 'bom.xml',
    outcome: 'failed',
    reason: /DTD or entity/,
    content: () => Buffer.from(`${XML_HEAD}<!DOCTYPE bom [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${BOM_XML('&xxe;')}`),
  },
  {
    name: 'XXE: a parameter entity fetching a DTD',
    filename: 'bom.xml',
    outcome: 'failed',
    reason: /DTD or entity/,
    content: () => Buffer.from(`${XML_HEAD}<!DOCTYPE bom [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd"> %remote;]>${BOM_XML('x')}`),
  },
  {
    name: 'billion laughs',
    filename: 'bom.xml',
    outcome: 'failed',
    reason: /DTD or entity/,
    content: () =>
      Buffer.from(
        `${XML_HEAD}<!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`).join('')}]>${BOM_XML('&lol9;')}`,
      ),
  },
  {
    name: 'entities declared without a DOCTYPE line',
    filename: 'bom.xml',
    outcome: 'failed',
    reason: /DTD or entity/,
    content: () => Buffer.from(`<!ENTITY a "b">${BOM_XML('&a;')}`),
  },
  {
    name: 'deeply nested JSON',
    filename: 'bom.json',
    outcome: 'failed',
    reason: /nested deeper than 64/,
    content: () => Buffer.from(`${SBOM_HEAD}"components":[${'['.repeat(100_000)}${']'.repeat(100_000)}]}`),
  },
  {
    name: 'Sigstore bundle: certificate chain of another instance',
    filename: 'bundle.sigstore.json',
    outcome: 'failed',
    reason: /does not verify: CERTIFICATE_ERROR/,
    content: () => sigstore('bundle-from-wrong-instance_fail'),
  },
  {
    name: 'Sigstore bundle: transparency-log inclusion proof with a corrupted hash',
    filename: 'bundle.sigstore.json',
    outcome: 'failed',
    reason: /does not verify: TLOG_INCLUSION_PROOF_ERROR/,
    content: () => sigstore('inclusion-proof-corrupted-hash_fail'),
  },
  {
    name: 'Sigstore bundle: forged DSSE signature',
    filename: 'bundle.sigstore.json',
    outcome: 'failed',
    reason: /does not verify: (TLOG_BODY_ERROR|SIGNATURE_ERROR)/,
    content: () => sigstore('dsse-invalid-sig_fail'),
  },
  {
    name: 'Sigstore bundle: an inclusion proof of another entry',
    filename: 'bundle.sigstore.json',
    outcome: 'failed',
    reason: /not a valid Sigstore bundle/,
    content: () => sigstore('invalid-inclusion-proof_fail'),
  },
  {
    name: 'a huge key count',
    filename: 'bom.json',
    outcome: 'failed',
    reason: /more than 2000000 values/,
    content: () => Buffer.from(`${SBOM_HEAD}"metadata":{${'"":0,'.repeat(2_000_001)}"k":0}}`),
  },
  {
    name: 'a nested __proto__ key',
    filename: 'bom.json',
    outcome: 'failed',
    reason: /__proto__/,
    content: () => Buffer.from(`${SBOM_HEAD}"components":[{"name":"a","licenses":[{"license":{"__proto__":{"polluted":true}}}]}]}`),
  },
  {
    name: 'an escaped __proto__ key',
    filename: 'bom.json',
    outcome: 'failed',
    reason: /__proto__/,
    content: () => Buffer.from(`${SBOM_HEAD}"metadata":{"\\u005f_proto__":{"polluted":true}}}`),
  },
  {
    name: 'invalid UTF-8 in JSON',
    filename: 'bom.json',
    outcome: 'failed',
    reason: /not valid UTF-8/,
    content: () => Buffer.concat([Buffer.from(`${SBOM_HEAD}"components":[{"name":"`), Buffer.from([0xff, 0xfe]), Buffer.from('"}]}')]),
  },
  {
    name: 'an overlong UTF-8 sequence (a slash)',
    filename: 'bom.json',
    outcome: 'failed',
    reason: /not valid UTF-8/,
    content: () => Buffer.concat([Buffer.from(`${SBOM_HEAD}"components":[{"name":"..`), Buffer.from([0xc0, 0xaf]), Buffer.from('etc"}]}')]),
  },
  {
    name: 'an encoded surrogate in a text format',
    filename: 'security.txt',
    outcome: 'failed',
    reason: /not valid UTF-8/,
    content: () => Buffer.concat([Buffer.from('Contact: mailto:a@b.example\nExpires: 2099-01-01T00:00:00Z\n# '), Buffer.from([0xed, 0xa0, 0x80])]),
  },
  { name: 'truncated JSON', filename: 'bom.json', outcome: 'failed', reason: /malformed JSON/, content: () => fixture('cyclonedx.json').subarray(0, 300) },
  { name: 'truncated XML', filename: 'bom.xml', outcome: 'failed', reason: /malformed XML/, content: () => fixture('cyclonedx.xml').subarray(0, 400) },
  {
    name: 'an executable labelled as an SBOM',
    filename: 'bom.json',
    type: 'application/vnd.cyclonedx+json',
    outcome: 'rejected',
    reason: /application\/x-elf is not accepted/,
    content: () => ELF,
  },
  {
    name: 'a zip labelled as an SBOM',
    filename: 'sbom.json',
    type: 'application/json',
    outcome: 'rejected',
    reason: /application\/zip is not accepted/,
    content: () => zipOf('bom.json'),
  },
  {
    name: 'a PNG named .json (a PNG/JSON polyglot)',
    filename: 'bom.json',
    type: 'application/json',
    outcome: 'rejected',
    reason: /image\/png is not accepted/,
    content: () => PNG,
  },
  {
    name: 'a JSON/ZIP polyglot',
    filename: 'bom.json',
    outcome: 'rejected',
    reason: /binary content/,
    content: () => Buffer.concat([fixture('cyclonedx.json'), zipOf('payload.sh')]),
  },
  { name: 'an empty file', filename: 'bom.json', outcome: 'failed', reason: /empty/, content: () => Buffer.alloc(0) },
  {
    name: 'a JSON array of SBOMs',
    filename: 'bom.json',
    outcome: 'rejected',
    reason: /not an object/,
    content: () => Buffer.from(`[${fixture('cyclonedx.json')}]`),
  },
  {
    name: 'numbers of a million digits',
    filename: 'bom.json',
    outcome: 'failed',
    reason: /number/,
    content: () => Buffer.from(`${SBOM_HEAD}"version":${'9'.repeat(1_000_000)},"components":[]}`),
  },
  {
    name: 'more components than allowed',
    filename: 'bom.json',
    outcome: 'failed',
    reason: /more than 200000 components/,
    content: () => Buffer.from(`${SBOM_HEAD}"components":[${'{"name":"c"},'.repeat(200_000)}{"name":"c"}]}`),
  },
  {
    name: 'a certificate PEM with a corrupt body',
    filename: 'cert.pem',
    outcome: 'failed',
    reason: /not a readable X\.509 certificate/,
    content: () =>
      Buffer.from(
        fixture('certificate.pem')
          .toString()
          .replace(/\n[A-Za-z0-9+/]{20}/, `\n${'A'.repeat(20)}`),
      ),
  },
  {
    name: 'XXE under a namespace prefix (CycloneDX XML as <cdx:bom>)',
    filename: 'bom.xml',
    outcome: 'failed',
    reason: /DTD or entity/,
    content: () =>
      Buffer.from(
        `${XML_HEAD}<!DOCTYPE cdx:bom [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><cdx:bom xmlns:cdx="http://cyclonedx.org/schema/bom/1.7"><cdx:components><cdx:component type="library"><cdx:name>&xxe;</cdx:name></cdx:component></cdx:components></cdx:bom>`,
      ),
  },
  {
    name: 'a CycloneDX 1.7 timestamp without its UTC offset',
    filename: 'bom.json',
    outcome: 'failed',
    reason: /metadata\.timestamp "2026-01-01T00:00:00" has no UTC offset/,
    content: () => Buffer.from('{"bomFormat":"CycloneDX","specVersion":"1.7","metadata":{"timestamp":"2026-01-01T00:00:00"},"components":[]}'),
  },
  {
    name: 'SPDX 3.0 nested too deep inside its graph',
    filename: 'sbom.spdx3.json',
    outcome: 'failed',
    reason: /nested deeper than 64/,
    content: () => Buffer.from(`{"@context":"${SPDX3_CONTEXT}","@graph":[{"type":"software_Package","name":${'['.repeat(100_000)}${']'.repeat(100_000)}}]}`),
  },
  {
    name: 'SPDX 3.0 with more packages than allowed',
    filename: 'sbom.spdx3.json',
    outcome: 'failed',
    reason: /more than 200000 packages/,
    content: () =>
      Buffer.from(
        `{"@context":"${SPDX3_CONTEXT}","@graph":[{"type":"CreationInfo","@id":"_:c","specVersion":"3.0.1","created":"2026-01-01T00:00:00Z"},${'{"type":"software_Package","name":"p"},'.repeat(200_000)}{"type":"software_Package","name":"p"}]}`,
      ),
  },
  {
    name: 'SPDX 3.0 with invalid UTF-8 in a package name',
    filename: 'sbom.spdx3.json',
    outcome: 'failed',
    reason: /not valid UTF-8/,
    content: () =>
      Buffer.concat([
        Buffer.from(`{"@context":"${SPDX3_CONTEXT}","@graph":[{"type":"software_Package","name":"`),
        Buffer.from([0xc3, 0x28, 0xff]),
        Buffer.from('"}]}'),
      ]),
  },
  {
    name: 'SPDX 3.0 of a version Assay does not read',
    filename: 'sbom.spdx3.json',
    outcome: 'failed',
    reason: /SPDX version 4\.0 is not supported/,
    content: () =>
      Buffer.from(`{"@context":"${SPDX3_CONTEXT}","@graph":[{"type":"CreationInfo","@id":"_:c","specVersion":"4.0","created":"2026-01-01T00:00:00Z"}]}`),
  },
  {
    name: 'a CSAF advisory of a version Assay does not read, its product tree nested too deep',
    filename: 'advisory.json',
    outcome: 'failed',
    reason: /nested deeper than 64|CSAF version 3\.0 is not supported/,
    content: () =>
      Buffer.from(`{"document":{"csaf_version":"3.0","tracking":{"id":"X"}},"product_tree":{"branches":${'[{"branches":'.repeat(40)}[]${'}]'.repeat(40)}}}`),
  },
  {
    name: 'an OpenEoX end of support without its UTC offset',
    filename: 'eox.json',
    outcome: 'failed',
    reason: /end_of_security_support "2030-01-01T00:00:00" has no UTC offset/,
    content: () =>
      Buffer.from(
        '{"$schema":"https://docs.oasis-open.org/openeox/v1.0/schema/core.json","end_of_life":"tba","end_of_security_support":"2030-01-01T00:00:00","last_updated":"2026-01-01T00:00:00Z"}',
      ),
  },
  {
    name: 'a PEM with explanatory text and a block that never ends',
    filename: 'chain.pem',
    outcome: 'failed',
    reason: /no matching END line/,
    content: () => Buffer.from(`subject=CN = widget\n${fixture('certificate.pem').toString().replace('-----END CERTIFICATE-----', '')}`),
  },
  {
    name: 'a signed security.txt without its signature',
    filename: 'security.txt',
    outcome: 'failed',
    reason: /without its signature/,
    content: () => Buffer.from(fixture('security-signed.txt').toString().split('-----BEGIN PGP SIGNATURE-----')[0] as string),
  },
  {
    name: 'a CycloneDX XML VEX (Apache Commons Text) with an entity declared for its analysis',
    filename: 'vex.cdx.xml',
    outcome: 'failed',
    reason: /DTD or entity/,
    content: () =>
      Buffer.from(
        real('commons-text-vex.cdx.xml')
          .toString()
          .replace('<bom ', '<!DOCTYPE bom [<!ENTITY lol "lol">]><bom ')
          .replace('<state>exploitable</state>', '<state>&lol;</state>'),
      ),
  },
  {
    name: 'a CycloneDX XML VEX cut short',
    filename: 'vex.cdx.xml',
    outcome: 'failed',
    reason: /malformed XML/,
    content: () => real('commons-text-vex.cdx.xml').subarray(0, 3000),
  },
  {
    name: 'a declaration (CycloneDX Attestations) in a CycloneDX version without declarations',
    filename: 'declaration.cdx.json',
    outcome: 'failed',
    reason: /declarations need CycloneDX 1\.6 or later/,
    content: () => Buffer.from(real('cdx-spec-1.6-attestation.json').toString().replace('"specVersion": "1.6"', '"specVersion": "1.5"')),
  },
  {
    name: 'a declaration nested too deep',
    filename: 'declaration.cdx.json',
    outcome: 'failed',
    reason: /deep/,
    content: () => Buffer.from(`{"bomFormat":"CycloneDX","specVersion":"1.6","declarations":{"attestations":[{"map":${'['.repeat(100)}${']'.repeat(100)}}]}}`),
  },
  {
    name: 'an OpenVEX timestamp without its UTC offset',
    filename: 'vex.json',
    outcome: 'failed',
    reason: /timestamp "2026-01-01T00:00:00" has no UTC offset/,
    content: () =>
      Buffer.from(
        JSON.stringify({
          '@context': 'https://openvex.dev/ns/v0.2.0',
          '@id': 'https://example.org/vex',
          author: 'x',
          timestamp: '2026-01-01T00:00:00',
          statements: [{ vulnerability: { name: 'CVE-2021-44228' }, products: [{ '@id': 'pkg:npm/a@1.0.0' }], status: 'not_affected' }],
        }),
      ),
  },
];

describe('hostile uploads through the gateway', () => {
  const kit = evidenceTestDatabases();
  let org: Awaited<ReturnType<typeof signupTenant>>;
  let supplierId: string;

  beforeAll(async () => {
    org = await signupTenant();
    supplierId = await kit.supplier(org.tenant.id, 'Hostile Ltd');
  });

  const upload = (content: Buffer, filename: string, type?: string) =>
    gateway('/api/v1/evidence', { method: 'POST', body: form({ supplierId }, content, filename, type), headers: bearer(org.accessToken) });

  it('every hostile upload ends failed or rejected with its reason, and the worker keeps processing', async () => {
    // Eight at a time: fewer than the service's database connections, so no upload waits on the pool
    // however busy the machine is (a burst beyond the pool is answered 503 with Retry-After once a
    // connection takes longer than the pool's wait to come free).
    const accepted: { hostile: HostileUpload; response: Awaited<ReturnType<typeof upload>> }[] = [];
    for (let start = 0; start < CORPUS.length; start += 8) {
      const batch = CORPUS.slice(start, start + 8);
      accepted.push(
        ...(await Promise.all(batch.map(async (hostile) => ({ hostile, response: await upload(hostile.content(), hostile.filename, hostile.type) })))),
      );
    }
    for (const { hostile, response } of accepted) {
      // An empty file may already be refused at intake; everything else is taken and judged by the worker.
      if (hostile.name === 'an empty file' && response.status >= 400 && response.status < 500) continue;
      expect({ name: hostile.name, status: response.status }).toEqual({ name: hostile.name, status: 202 });
    }
    for (const { hostile, response } of accepted) {
      if (response.status !== 202) continue;
      const evidence = await settledEvidence(org.accessToken, response.body.id);
      expect({ name: hostile.name, status: evidence.status }).toEqual({ name: hostile.name, status: hostile.outcome });
      expect({ name: hostile.name, error: evidence.error }).toEqual({ name: hostile.name, error: expect.stringMatching(hostile.reason) });
    }
    // The worker is still up: an ordinary SBOM uploaded afterwards is processed, with nothing of the above in it.
    const normal = await upload(fixture('cyclonedx.json'), 'bom.json');
    const processed = await settledEvidence(org.accessToken, normal.body.id);
    expect(processed).toMatchObject({ status: 'processed', kind: 'sbom', facts: { componentCount: 3 } });
    expect(JSON.stringify(processed)).not.toContain('polluted');
  }, 180_000);

  it('constructor.prototype keys are plain data: nothing reaches a prototype, the SBOM is read as any other', async () => {
    const content = Buffer.from(
      `${SBOM_HEAD}"metadata":{"component":{"name":"app","constructor":{"prototype":{"polluted":true}}}},"components":[{"name":"a","constructor":{"prototype":{"isAdmin":true}},"prototype":{"polluted":1}}]}`,
    );
    const response = await upload(content, 'bom.json');
    expect(response.status).toBe(202);
    const evidence = await settledEvidence(org.accessToken, response.body.id);
    expect(evidence).toMatchObject({ status: 'processed', facts: { componentCount: 1, primaryComponent: { name: 'app' } } });
    const after = await settledEvidence(org.accessToken, (await upload(fixture('spdx.json'), 'spdx.json')).body.id);
    expect(after).toMatchObject({ status: 'processed', facts: { format: 'spdx' } });
    expect(JSON.stringify(after)).not.toMatch(/polluted|isAdmin/);
  });

  it('intake: a path-traversal file name is kept as a name only; a lying Content-Type is not believed', async () => {
    const traversal = await upload(fixture('security.txt'), '../../../../etc/cron.d/evil');
    expect(traversal.status).toBe(202);
    const [row] = await kit.owner.query(
      `select b.storage_key as key from evidence.evidence e join evidence.blobs b on b.tenant_id = e.tenant_id and b.sha256 = e.sha256 where e.id = $1`,
      [traversal.body.id],
    );
    expect(row.key).toBe(`${org.tenant.id}/${traversal.body.sha256.slice(0, 2)}/${traversal.body.sha256}`);
    const download = await fetch(`${testStack().gatewayUrl}/api/v1/evidence/${traversal.body.id}/content`, { headers: bearer(org.accessToken) });
    expect(download.headers.get('content-disposition')).toMatch(/^attachment; filename="[\w.-]+"$/);
    expect(download.headers.get('content-disposition')).not.toContain('/');

    // The part says PDF; the bytes are a CycloneDX SBOM: the bytes decide.
    const lying = await upload(fixture('cyclonedx.xml'), 'report.pdf', 'application/pdf');
    expect(await settledEvidence(org.accessToken, lying.body.id)).toMatchObject({
      status: 'processed',
      kind: 'sbom',
      mediaType: 'application/vnd.cyclonedx+xml',
    });
    // The request says JSON; the body is multipart: refused, never guessed.
    const mislabelled = await gateway('/api/v1/evidence', {
      method: 'POST',
      body: form({ supplierId }, fixture('security.txt'), 's.txt'),
      headers: { ...bearer(org.accessToken), 'content-type': 'application/json' },
    });
    expect(mislabelled.status).toBeGreaterThanOrEqual(400);
    expect(mislabelled.status).toBeLessThan(500);
  });
});

/** Hostile advisory documents: each is refused at intake, ends failed with its reason, or is kept with the reason noted. */
describe('hostile advisory documents through the gateway', () => {
  let org: Awaited<ReturnType<typeof signupTenant>>;
  beforeAll(async () => {
    org = await signupTenant();
  });

  const submit = (content: Buffer) =>
    gateway('/api/v1/advisories', { method: 'POST', body: form({}, content, 'advisory.json'), headers: bearer(org.accessToken) });
  const settled = async (id: string) => {
    for (const started = Date.now(); Date.now() - started < 60_000; await new Promise((resolve) => setTimeout(resolve, 100))) {
      const answer = await gateway(`/api/v1/advisories/imports/${id}`, { headers: bearer(org.accessToken) });
      if (answer.body.status === 'processed' || answer.body.status === 'failed') return answer.body;
    }
    throw new Error(`advisory document ${id} never settled`);
  };
  const record = (affected: unknown[]) => ({ id: 'HOSTILE-1', modified: '2024-01-01T00:00:00Z', summary: 'hostile', affected });

  it('huge range lists, invalid versions and unknown ecosystems are kept with a reason; broken documents fail with theirs; the worker goes on', async () => {
    const ranges = Array.from({ length: 20_000 }, (_, index) => ({ type: 'ECOSYSTEM', events: [{ introduced: String(index) }, { fixed: `${index}.1` }] }));
    const hostile = record([
      { package: { ecosystem: 'npm', name: 'left-pad' }, ranges },
      { package: { ecosystem: 'Nonsense', name: 'x' }, versions: ['1'] },
      { package: { ecosystem: 'npm', name: 'right-pad' }, versions: ['\u0000\u0007', 'a'.repeat(100_000)] },
    ]);
    const kept = await settled((await submit(Buffer.from(JSON.stringify(hostile)))).body.id);
    expect(kept).toMatchObject({ status: 'processed', outcome: { imported: 1 } });
    const advisory = (await gateway(`/api/v1/advisories/${kept.outcome.advisoryIds[0]}`, { headers: bearer(org.accessToken) })).body;
    expect(advisory.affected[0].ranges).toHaveLength(50);
    expect(advisory.notes).toContain('affected[0]: 20000 ranges, only the first 50 kept');
    expect(advisory.affected[1]).toMatchObject({ purl: null, reason: 'ecosystem Nonsense is not one Assay can match' });
    expect(advisory.affected[2].versions).toEqual(['a'.repeat(256)]);

    const cases: [Buffer, RegExp][] = [
      [Buffer.from(`{"id":"X","modified":"2024-01-01T00:00:00Z","affected":${'['.repeat(100)}${']'.repeat(100)}}`), /nested deeper than 64/],
      [Buffer.from('{"id":"X","modified":"yesterday"}'), /needs a valid "modified" time/],
      [Buffer.from('{"document":{"csaf_version":"1.2","tracking":{"id":"X"}}}'), /CSAF version 1\.2 is not supported/],
      [Buffer.from('{"catalogVersion":"1","vulnerabilities":[{"cveID":"not-a-cve"}]}'), /lists no valid CVE/],
      [Buffer.from('{"id":"X","__proto__":{"polluted":true},"modified":"2024-01-01T00:00:00Z"}'), /__proto__/],
      [Buffer.concat([Buffer.from('{"id":"'), Buffer.from([0xc3, 0x28]), Buffer.from('","modified":"2024-01-01T00:00:00Z"}')]), /not valid UTF-8/],
    ];
    for (const [content, reason] of cases) {
      const accepted = await submit(content);
      expect(accepted.status).toBe(202);
      expect(await settled(accepted.body.id)).toMatchObject({ status: 'failed', error: expect.stringMatching(reason) });
    }
    // Still reading: an ordinary record afterwards is imported.
    const after = await settled((await submit(Buffer.from(JSON.stringify({ ...record([]), id: 'HOSTILE-2' })))).body.id);
    expect(after).toMatchObject({ status: 'processed', outcome: { imported: 1 } });
  }, 120_000);
});
