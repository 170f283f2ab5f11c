import fc, { Arbitrary } from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCycloneDxVex, parseOpenVex, parseProvenance, parseScorecard } from './attestation.parsers';
import { parseCertificate } from './certificate.parser';
import { parseCsaf } from './csaf.parser';
import { parseCycloneDxDeclaration } from './declaration.parser';
import { parseOpenEox } from './openeox.parser';
import { BinaryTypeDetector, parseEvidence } from './evidence-parser';
import { EvidenceParseError, ParsedEvidence, UnsupportedEvidenceError } from './parse-result';
import { hashesOf, normalisePurl, spdxExpression } from './sbom-components';
import { parseSecurityTxt } from './security-txt.parser';
import { UntrustedJsonReader, parseUntrustedJson } from './untrusted-json';

/*
 * Properties every evidence parser must hold whatever a supplier uploads: it answers with parsed
 * evidence or fails with EvidenceParseError / UnsupportedEvidenceError (never another error, which
 * would make the worker retry the job for ever), leaves prototypes alone and finishes quickly.
 */

// A case that takes this long hangs: generous, so a loaded machine never fails a case for being slow.
const ASYNC = { timeout: 30_000 };
const NOW = new Date('2026-06-01T00:00:00Z');
const fixture = (name: string) => readFileSync(join(__dirname, '../../../../apps/evidence/src/fixtures', name));

/** Magic numbers of a few binary types, standing in for `file-type` (an ES module Jest cannot load). */
const SIGNATURES: [string, { mime: string; ext: string }][] = [
  ['%PDF-', { mime: 'application/pdf', ext: 'pdf' }],
  ['\x89PNG', { mime: 'image/png', ext: 'png' }],
  ['PK\x03\x04', { mime: 'application/zip', ext: 'zip' }],
  ['\x7fELF', { mime: 'application/x-elf', ext: 'elf' }],
  ['MZ', { mime: 'application/x-msdownload', ext: 'exe' }],
];
const detectBinary: BinaryTypeDetector = async (content) => SIGNATURES.find(([magic]) => content.subarray(0, 8).toString('latin1').startsWith(magic))?.[1];

const PROTOTYPES = [Object.prototype, Array.prototype, Function.prototype, String.prototype, Number.prototype];
const BASELINE = PROTOTYPES.map((prototype) => Object.getOwnPropertyNames(prototype).join());
function prototypesUntouched(): boolean {
  return (
    PROTOTYPES.every((prototype, index) => Object.getOwnPropertyNames(prototype).join() === BASELINE[index]) &&
    ({} as Record<string, unknown>)['polluted'] === undefined
  );
}

/** A parse outcome with only the documented failures caught: anything else fails the property. */
function settled(parse: () => ParsedEvidence | Promise<ParsedEvidence>): Promise<ParsedEvidence | EvidenceParseError | UnsupportedEvidenceError> {
  const expected = (error: unknown) => {
    if (error instanceof EvidenceParseError || error instanceof UnsupportedEvidenceError) return error;
    throw error;
  };
  try {
    return Promise.resolve(parse()).catch(expected);
  } catch (error) {
    return Promise.resolve(expected(error));
  }
}

/** What a successful parse must look like: storable as JSON, a valid validUntil. */
function wellFormed(outcome: ParsedEvidence | Error): boolean {
  if (outcome instanceof Error) return outcome.message.length > 0 && prototypesUntouched();
  JSON.stringify(outcome);
  const until = outcome.validUntil;
  return (until === null || /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(until)) && prototypesUntouched();
}

const parse = (content: Buffer | string, hint: ParsedEvidence['kind'] | null = null) =>
  settled(() =>
    parseEvidence(Buffer.isBuffer(content) ? content : Buffer.from(content), {
      kindHint: hint,
      sbomMaxAgeDays: 180,
      detectBinary,
      now: NOW,
      maxBytes: 1 << 20,
    }),
  );

// ---- generators -------------------------------------------------------------------------------

const DATES = [
  '2099-01-01T00:00:00Z',
  '+275760-09-13T00:00:00.000Z',
  '-271821-04-20T00:00:00Z',
  '0000-01-01',
  '9999-12-31T23:59:59Z',
  '1',
  'yesterday',
  '',
  '2026-02-30',
];
const HOSTILE_TEXT = [
  '__proto__',
  'constructor',
  'NOASSERTION',
  'NONE',
  'MIT OR (',
  'Apache-2.0 WITH',
  'SHA-256',
  'a'.repeat(64),
  '\u0000',
  '\ud800',
  '<x>',
  '&amp;',
  '../../etc/passwd',
  'pkg:npm/%00@1',
  ...DATES,
];
const KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'polluted',
  '',
  'components',
  'packages',
  'dependencies',
  'relationships',
  'vulnerabilities',
  'bomFormat',
  'specVersion',
  'spdxVersion',
  '_type',
  'predicateType',
  'predicate',
  'payload',
  'payloadType',
  'signatures',
  '@context',
  'scorecard',
  'repo',
  'checks',
  'metadata',
  'timestamp',
  'name',
  'version',
  'purl',
  'licenses',
  'license',
  'expression',
  'id',
  'hashes',
  'alg',
  'content',
  'analysis',
  'state',
  'statements',
  'status',
];

const shortText = fc.oneof(fc.string({ maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 8 }), fc.constantFrom(...HOSTILE_TEXT));
const key = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...KEYS) }, { weight: 1, arbitrary: fc.string({ maxLength: 6 }) });
const RAW_NUMBERS = ['0', '-0', '1e999', '-1e999', '1e-999', '12345678901234567890123456789', '0.1e1', '-1', '3.5'];

/** JSON text (not values: so numbers JSON.stringify cannot write, and `__proto__` keys, appear). */
const { value: jsonText } = fc.letrec<{ value: string; scalar: string; array: string; object: string }>((tie) => ({
  value: fc.oneof({ depthSize: 'xsmall', withCrossShrink: true }, tie('scalar'), tie('array'), tie('object')),
  scalar: fc.oneof(
    fc.constantFrom('null', 'true', 'false', ...RAW_NUMBERS),
    fc.integer().map(String),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
    shortText.map((s) => JSON.stringify(s)),
  ),
  array: fc.array(tie('value'), { maxLength: 3 }).map((items) => `[${items.join(',')}]`),
  object: fc
    .array(fc.tuple(key, tie('value')), { maxLength: 3 })
    .map((entries) => `{${entries.map(([name, value]) => `${JSON.stringify(name)}:${value}`).join(',')}}`),
}));

const entry = (name: string, value: Arbitrary<string>) => value.map((text) => `${JSON.stringify(name)}:${text}`);
/** A JSON object with the given members and a few hostile extra ones, in any order. */
function jsonDocument(members: Arbitrary<string>[]): Arbitrary<string> {
  return fc
    .tuple(
      fc.tuple(...members),
      fc.array(
        fc.tuple(key, jsonText).map(([name, value]) => `${JSON.stringify(name)}:${value}`),
        { maxLength: 1 },
      ),
      fc.boolean(),
    )
    .map(([required, extra, reversed]) => {
      const all = [...required, ...extra];
      return `{${(reversed ? all.reverse() : all).join(',')}}`;
    });
}
const oneOfText = (...values: string[]) =>
  fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...values.map((v) => JSON.stringify(v))) }, { weight: 1, arbitrary: jsonText });
const listOf = (item: Arbitrary<string>, maxLength = 2) =>
  fc.oneof({ weight: 4, arbitrary: fc.array(item, { maxLength }).map((items) => `[${items.join(',')}]`) }, { weight: 1, arbitrary: jsonText });
const purlText = fc.oneof(
  fc.constantFrom(
    'pkg:npm/lodash@4.17.21',
    'pkg:maven/org.apache/x@1?type=jar#sub/path',
    'pkg:npm/%40scope/name@1',
    'PKG:NPM/a@b',
    'pkg:/',
    'pkg:npm/@',
    'pkg:npm/a%ZZ',
    'pkg:npm/a?b=c&b=d',
    'pkg:golang/x/y@v0.0.0-2020',
  ),
  fc
    .tuple(
      fc.constantFrom('pkg:', 'PKG:', 'pkg:/', ''),
      fc.string({ maxLength: 5 }),
      fc.constantFrom('/', '//', ''),
      fc.string({ maxLength: 8 }),
      fc.constantFrom('', '@'),
      fc.string({ maxLength: 5 }),
      fc.constantFrom('', '?a=b', '?=', '#x/y', '?checksum=sha256:ab'),
    )
    .map((parts) => parts.join('')),
);
const purlJson = purlText.map((p) => JSON.stringify(p));

const { component } = fc.letrec<{ component: string }>((tie) => ({
  component: jsonDocument([
    entry('name', oneOfText('lodash', '')),
    entry(
      'purl',
      fc.oneof(
        purlText.map((p) => JSON.stringify(p)),
        jsonText,
      ),
    ),
    entry(
      'licenses',
      listOf(
        fc.oneof(
          jsonDocument([entry('license', jsonDocument([entry('id', oneOfText('MIT', 'GPL-2.0+', 'NOASSERTION'))]))]),
          jsonDocument([entry('expression', oneOfText('MIT OR Apache-2.0', '(MIT', 'LicenseRef-x'))]),
        ),
        1,
      ),
    ),
    entry(
      'hashes',
      listOf(
        jsonDocument([
          entry('alg', oneOfText('SHA-256', 'sha1', 'MD5', 'BLAKE3', 'CRC32')),
          entry('content', oneOfText('a'.repeat(64), 'ZZ', 'b'.repeat(129))),
        ]),
        1,
      ),
    ),
    fc.oneof({ weight: 5, arbitrary: entry('version', oneOfText('1.0.0')) }, { weight: 1, arbitrary: entry('components', listOf(tie('component'), 2)) }),
  ]),
}));

const cycloneDxJson = jsonDocument([
  entry('bomFormat', oneOfText('CycloneDX')),
  entry('specVersion', oneOfText('1.2', '1.4', '1.6', '2.0', '1.5 ')),
  entry(
    'metadata',
    jsonDocument([
      entry(
        'timestamp',
        fc.constantFrom(...DATES).map((d) => JSON.stringify(d)),
      ),
      entry('component', component),
      entry('tools', jsonText),
    ]),
  ),
  entry('components', listOf(component)),
  entry('dependencies', listOf(jsonDocument([entry('ref', jsonText), entry('dependsOn', jsonText)]))),
]);

const spdxPackage = jsonDocument([
  entry('SPDXID', oneOfText('SPDXRef-app', 'SPDXRef-dep')),
  entry('name', oneOfText('widget')),
  entry('versionInfo', jsonText),
  entry(
    'externalRefs',
    listOf(
      jsonDocument([
        entry('referenceType', oneOfText('purl', 'cpe23Type')),
        entry(
          'referenceLocator',
          fc.oneof(
            purlText.map((p) => JSON.stringify(p)),
            jsonText,
          ),
        ),
      ]),
    ),
  ),
  entry('checksums', listOf(jsonDocument([entry('algorithm', oneOfText('SHA256', 'SHA1')), entry('checksumValue', oneOfText('a'.repeat(64)))]))),
  entry('licenseConcluded', oneOfText('MIT', 'NOASSERTION', 'MIT AND (')),
]);
const spdxJson = jsonDocument([
  entry('spdxVersion', oneOfText('SPDX-2.3', 'SPDX-2.2', 'SPDX-3.0')),
  entry(
    'creationInfo',
    jsonDocument([
      entry(
        'created',
        fc.constantFrom(...DATES).map((d) => JSON.stringify(d)),
      ),
      entry('creators', listOf(oneOfText('Tool: x', 'Person: y'))),
    ]),
  ),
  entry('documentDescribes', listOf(oneOfText('SPDXRef-app'))),
  entry('packages', listOf(spdxPackage)),
  entry(
    'relationships',
    listOf(
      jsonDocument([
        entry('spdxElementId', oneOfText('SPDXRef-DOCUMENT', 'SPDXRef-app')),
        entry('relationshipType', oneOfText('DESCRIBES', 'DEPENDS_ON')),
        entry('relatedSpdxElement', oneOfText('SPDXRef-app', 'SPDXRef-dep')),
      ]),
    ),
  ),
]);

const spdx3Id = oneOfText('urn:app', 'urn:lib', 'urn:sbom', '_:ci', 'urn:mit', 'https://spdx.org/licenses/MIT');
const spdx3Element = fc.oneof(
  jsonDocument([
    entry('type', oneOfText('CreationInfo')),
    entry('@id', oneOfText('_:ci')),
    entry('specVersion', oneOfText('3.0.1', '3.0.0', '3.1', '2.3')),
    entry(
      'created',
      fc.constantFrom(...DATES).map((d) => JSON.stringify(d)),
    ),
    entry('createdUsing', listOf(spdx3Id)),
  ]),
  jsonDocument([
    entry('type', oneOfText('SpdxDocument', 'software_Sbom')),
    entry('spdxId', spdx3Id),
    entry('rootElement', listOf(spdx3Id)),
    entry('creationInfo', jsonText),
  ]),
  jsonDocument([
    entry('type', oneOfText('software_Package', 'software_File')),
    entry('spdxId', spdx3Id),
    entry('name', oneOfText('lib')),
    entry('software_packageVersion', jsonText),
    entry(
      'software_packageUrl',
      fc.oneof(
        purlText.map((p) => JSON.stringify(p)),
        jsonText,
      ),
    ),
    entry('externalIdentifier', listOf(jsonDocument([entry('externalIdentifierType', oneOfText('cpe23', 'packageUrl')), entry('identifier', jsonText)]))),
    entry('verifiedUsing', listOf(jsonDocument([entry('algorithm', oneOfText('sha256', 'sha3_256', 'crc')), entry('hashValue', oneOfText('a'.repeat(64)))]))),
    entry('suppliedBy', jsonText),
  ]),
  jsonDocument([
    entry('type', oneOfText('Relationship', 'LifecycleScopedRelationship')),
    entry('from', spdx3Id),
    entry('relationshipType', oneOfText('dependsOn', 'contains', 'describes', 'hasConcludedLicense', 'hasDeclaredLicense')),
    entry('to', listOf(spdx3Id)),
  ]),
  jsonDocument([
    entry('type', oneOfText('simplelicensing_LicenseExpression', 'expandedlicensing_ListedLicense', 'Tool')),
    entry('spdxId', spdx3Id),
    entry('simplelicensing_licenseExpression', oneOfText('MIT', 'MIT AND (')),
    entry('name', jsonText),
  ]),
);
const spdx3Json = jsonDocument([
  entry('@context', oneOfText('https://spdx.org/rdf/3.0.1/spdx-context.jsonld', 'https://spdx.org/rdf/3.0.0/spdx-context.jsonld')),
  entry('@graph', listOf(spdx3Element, 6)),
]);

const statement = jsonDocument([
  entry('_type', oneOfText('https://in-toto.io/Statement/v1', 'https://in-toto.io/Statement/v0.1')),
  entry('predicateType', oneOfText('https://slsa.dev/provenance/v1', 'https://slsa.dev/provenance/v0.2', 'https://spdx.dev/Document')),
  entry('subject', listOf(jsonDocument([entry('name', jsonText), entry('digest', jsonText)]))),
  entry(
    'predicate',
    jsonDocument([
      entry(
        'runDetails',
        jsonDocument([entry('builder', jsonDocument([entry('id', oneOfText('https://github.com/actions/runner'))])), entry('metadata', jsonText)]),
      ),
      entry('builder', jsonText),
      entry('buildDefinition', jsonText),
    ]),
  ),
]);
const dsseEnvelope = jsonDocument([
  entry('payloadType', oneOfText('application/vnd.in-toto+json', 'text/plain')),
  entry(
    'payload',
    fc
      .oneof(
        statement.map((s) => Buffer.from(s).toString('base64')),
        fc.uint8Array({ maxLength: 24 }).map((b) => Buffer.from(b).toString('base64')),
        shortText,
      )
      .map((p) => JSON.stringify(p)),
  ),
  entry('signatures', fc.oneof(fc.constant('[]'), listOf(jsonText))),
]);
const openVex = jsonDocument([
  entry('@context', oneOfText('https://openvex.dev/ns/v0.2.0', 'https://openvex.dev/ns')),
  entry('author', jsonText),
  entry(
    'timestamp',
    fc.constantFrom(...DATES).map((d) => JSON.stringify(d)),
  ),
  entry(
    'statements',
    listOf(
      jsonDocument([
        entry('status', oneOfText('not_affected', 'fixed')),
        entry('vulnerability', jsonText),
        entry(
          'products',
          listOf(fc.oneof(purlJson, jsonDocument([entry('@id', purlJson), entry('subcomponents', listOf(jsonDocument([entry('@id', purlJson)])))]))),
        ),
      ]),
    ),
  ),
]);
const cycloneDxVex = jsonDocument([
  entry('bomFormat', oneOfText('CycloneDX')),
  entry('specVersion', oneOfText('1.5')),
  entry(
    'vulnerabilities',
    fc
      .array(
        jsonDocument([
          entry('id', jsonText),
          entry('analysis', jsonDocument([entry('state', oneOfText('not_affected', 'exploitable'))])),
          entry(
            'affects',
            listOf(
              jsonDocument([
                entry(
                  'ref',
                  fc.oneof(
                    purlJson,
                    purlJson.map((purl) => JSON.stringify(`urn:cdx:x/1#${JSON.parse(purl)}`)),
                  ),
                ),
              ]),
            ),
          ),
        ]),
        {
          minLength: 1,
          maxLength: 3,
        },
      )
      .map((items) => `[${items.join(',')}]`),
  ),
]);
/** CycloneDX Attestations: declarations whose requirements may name the Code's. */
const declaration = jsonDocument([
  entry('bomFormat', oneOfText('CycloneDX')),
  entry('specVersion', oneOfText('1.6', '1.7', '1.5')),
  entry(
    'declarations',
    jsonDocument([
      entry(
        'attestations',
        listOf(
          jsonDocument([
            entry('summary', jsonText),
            entry(
              'map',
              listOf(
                jsonDocument([
                  entry('requirement', oneOfText('urn:assay:framework:uk-sscop:2025-05-07:requirement:1.2.1', 'urn:assay:framework:x:1:requirement:9.9.9.9')),
                  entry(
                    'conformance',
                    jsonDocument([entry('score', fc.constantFrom('0', '0.5', '1', '2', '-1', '"1"', '1e308')), entry('rationale', jsonText)]),
                  ),
                ]),
              ),
            ),
          ]),
        ),
      ),
      entry('affirmation', jsonDocument([entry('statement', jsonText), entry('signatories', listOf(jsonDocument([entry('name', jsonText)])))])),
    ]),
  ),
]);
const scorecard = jsonDocument([
  entry('scorecard', jsonDocument([entry('version', jsonText)])),
  entry('repo', jsonDocument([entry('name', oneOfText('github.com/a/b')), entry('commit', jsonText)])),
  entry(
    'checks',
    fc.array(jsonDocument([entry('name', jsonText), entry('score', jsonText)]), { maxLength: 3 }).map((items) => `[${items.join(',')}]`),
  ),
  entry(
    'date',
    fc.constantFrom(...DATES).map((d) => JSON.stringify(d)),
  ),
  entry('score', jsonText),
]);

const csafLeaf = jsonDocument([entry('name', jsonText), entry('product', jsonDocument([entry('product_id', oneOfText('P1', 'P2')), entry('name', jsonText)]))]);
// Two levels of branches (vendor, product), as advisories nest them; deeper nesting is the JSON guard's.
const csafBranch = jsonDocument([entry('name', jsonText), entry('branches', listOf(csafLeaf, 2))]);
const csaf = jsonDocument([
  entry(
    'document',
    jsonDocument([
      entry('csaf_version', oneOfText('2.0', '2.1', '1.2')),
      entry('category', oneOfText('csaf_security_advisory', 'csaf_vex')),
      entry('publisher', jsonDocument([entry('name', jsonText), entry('namespace', jsonText)])),
      entry(
        'tracking',
        jsonDocument([
          entry('id', oneOfText('BSI-2022-0001')),
          entry('status', oneOfText('final', 'draft', 'unknown')),
          entry(
            'current_release_date',
            fc.constantFrom(...DATES).map((d) => JSON.stringify(d)),
          ),
        ]),
      ),
    ]),
  ),
  entry(
    'product_tree',
    jsonDocument([
      entry('branches', listOf(csafBranch)),
      entry('full_product_names', listOf(jsonDocument([entry('product_id', oneOfText('P3'))]))),
      entry('relationships', listOf(jsonDocument([entry('full_product_name', jsonText)]))),
    ]),
  ),
  entry('vulnerabilities', listOf(jsonDocument([entry('cve', oneOfText('CVE-2024-0001', 'CVE-1'))]))),
]);

const eoxDate = fc.oneof(
  fc.constantFrom(...DATES, 'tba', 'TBA').map((d) => JSON.stringify(d)),
  jsonText,
);
const openEox = jsonDocument([
  entry('$schema', oneOfText('https://docs.oasis-open.org/openeox/v1.0/schema/core.json', 'https://docs.oasis-open.org/openeox/v9/schema/core.json')),
  entry('end_of_life', eoxDate),
  entry('end_of_security_support', eoxDate),
  entry('end_of_sales', eoxDate),
  entry('last_updated', eoxDate),
]);

/** CycloneDX XML, valid or not: elements of the schema, attributes, entities, CDATA, comments, declarations. */
const XML_BITS = [
  '&amp;',
  '&lt;',
  '&xxe;',
  '&#0;',
  '&#x110000;',
  '<![CDATA[<bom>]]>',
  '<!-- c -->',
  '<?pi x?>',
  '<!DOCTYPE bom>',
  '<!ENTITY a "b">',
  ']]>',
  '<',
  '>',
  '"',
  "'",
];
const XML_TAGS = [
  'bom',
  'metadata',
  'timestamp',
  'component',
  'components',
  'name',
  'version',
  'purl',
  'licenses',
  'license',
  'id',
  'expression',
  'hashes',
  'hash',
  'tools',
  'tool',
  'dependencies',
  'dependency',
];
const { element: xmlElement } = fc.letrec<{ element: string; content: string }>((tie) => ({
  element: fc
    .tuple(
      fc.constantFrom(...XML_TAGS),
      fc.array(fc.tuple(fc.constantFrom('type', 'alg', 'ref', 'xmlns', '__proto__', 'constructor'), shortText), { maxLength: 2 }),
      tie('content'),
      fc.constantFrom('full', 'full', 'full', 'empty', 'unclosed'),
    )
    .map(([tag, attributes, content, form]) => {
      const attrs = attributes.map(([name, value]) => ` ${name}="${value.replace(/"/g, '&quot;')}"`).join('');
      if (form === 'empty') return `<${tag}${attrs}/>`;
      return `<${tag}${attrs}>${content}${form === 'full' ? `</${tag}>` : ''}`;
    }),
  content: fc.oneof(
    { depthSize: 'small' },
    shortText.map((s) => s.replace(/[<&]/g, '')),
    fc.constantFrom(...XML_BITS),
    fc.array(tie('element'), { maxLength: 3 }).map((items) => items.join('')),
  ),
}));
const cycloneDxXml = fc
  .tuple(
    fc.constantFrom('', '<?xml version="1.0" encoding="UTF-8"?>', '\uFEFF<?xml version="1.0"?>'),
    fc.constantFrom('1.2', '1.4', '1.6', '9.9'),
    fc.array(xmlElement, { maxLength: 3 }),
    fc.constantFrom('</bom>', '', '</bom><bom>'),
    fc.constantFrom('', '', 'cdx'),
  )
  .map(([declaration, version, children, end, prefix]) => {
    const xml = `${declaration}<bom xmlns="http://cyclonedx.org/schema/bom/${version}" version="1">${children.join('')}${end}`;
    // The same document under a namespace prefix: every element name qualified.
    return prefix ? xml.replace(/<(\/?)(?=[A-Za-z_])/g, `<$1${prefix}:`).replace(' xmlns=', ` xmlns:${prefix}=`) : xml;
  });

const SPDX_TAGS = [
  'SPDXVersion',
  'Created',
  'Creator',
  'DocumentDescribes',
  'PackageName',
  'SPDXID',
  'PackageVersion',
  'PackageSupplier',
  'PackageLicenseConcluded',
  'PackageLicenseDeclared',
  'PackageChecksum',
  'ExternalRef',
  'Relationship',
  'PackageComment',
];
const spdxTagValue = fc
  .tuple(
    fc.constantFrom('SPDX-2.3', 'SPDX-2.2', 'SPDX-9'),
    fc.array(
      fc.oneof(
        fc
          .tuple(
            fc.constantFrom(...SPDX_TAGS),
            fc.oneof(
              shortText,
              purlText.map((p) => `PACKAGE-MANAGER purl ${p}`),
              fc.constantFrom('SHA256: abc', 'SPDXRef-a DEPENDS_ON SPDXRef-b', '<text>open', '<text>x</text>', ':', 'Tool: t'),
            ),
          )
          .map(([tag, value]) => `${tag}: ${value}`),
        fc.constantFrom('', '# comment', 'no colon', ':leading', '</text>'),
      ),
      { maxLength: 12 },
    ),
    fc.constantFrom('\n', '\r\n'),
  )
  .map(([version, lines, newline]) => [`SPDXVersion: ${version}`, ...lines].join(newline));

const SECURITY_FIELDS = [
  'Contact',
  'Expires',
  'Policy',
  'Encryption',
  'Canonical',
  'Preferred-Languages',
  'Acknowledgments',
  'Hiring',
  'CSAF',
  'contact',
  'X-Unknown',
];
const securityTxt = fc
  .tuple(
    fc.array(
      fc.oneof(
        fc.tuple(fc.constantFrom(...SECURITY_FIELDS), fc.oneof(shortText, fc.constantFrom(...DATES))).map(([field, value]) => `${field}: ${value}`),
        fc.constantFrom('# comment', '', '- -escaped', 'Contact:', 'Expires:'),
      ),
      { minLength: 1, maxLength: 10 },
    ),
    fc.constantFrom('plain', 'signed', 'signed-unterminated', 'signed-no-headers'),
    fc.constantFrom('\n', '\r\n'),
  )
  .map(([lines, form, newline]) => {
    const body = lines.join(newline);
    if (form === 'plain') return body;
    const start = form === 'signed-no-headers' ? ['-----BEGIN PGP SIGNED MESSAGE-----'] : ['-----BEGIN PGP SIGNED MESSAGE-----', 'Hash: SHA512', ''];
    const end = form === 'signed-unterminated' ? [] : ['-----BEGIN PGP SIGNATURE-----', '', 'iHUEARYKAB0=', '-----END PGP SIGNATURE-----'];
    return [...start, body, ...end].join(newline);
  });

/** Edits to a real document: flipped, inserted and deleted bytes, a cut, a hostile splice. */
type Edit = { at: number; kind: 'flip' | 'insert' | 'delete' | 'cut' | 'splice'; byte: number; text: string };
const edits = fc.array(
  fc.record({
    at: fc.nat(),
    kind: fc.constantFrom('flip', 'insert', 'delete', 'cut', 'splice'),
    byte: fc.integer({ min: 0, max: 255 }),
    text: fc.oneof(
      fc.constantFrom('"__proto__":{"polluted":1},', '<!DOCTYPE x>', '\u0000', '\xff', '{', ']', '&xxe;', '-----BEGIN PGP SIGNATURE-----'),
      shortText,
    ),
  }) as Arbitrary<Edit>,
  { minLength: 1, maxLength: 4 },
);
function applyEdits(document: Buffer, changes: Edit[]): Buffer {
  let bytes = document;
  for (const { at, kind, byte, text } of changes) {
    const index = bytes.length === 0 ? 0 : at % bytes.length;
    if (kind === 'flip') bytes = Buffer.concat([bytes.subarray(0, index), Buffer.from([byte]), bytes.subarray(index + 1)]);
    else if (kind === 'insert') bytes = Buffer.concat([bytes.subarray(0, index), Buffer.from([byte]), bytes.subarray(index)]);
    else if (kind === 'delete') bytes = Buffer.concat([bytes.subarray(0, index), bytes.subarray(index + 1)]);
    else if (kind === 'cut') bytes = bytes.subarray(0, index);
    else bytes = Buffer.concat([bytes.subarray(0, index), Buffer.from(text, text === '\xff' ? 'latin1' : 'utf8'), bytes.subarray(index)]);
  }
  return bytes;
}

const REAL_DOCUMENTS = [
  ...[
    'cyclonedx.json',
    'cyclonedx.xml',
    'spdx.json',
    'spdx.spdx',
    'security.txt',
    'security-signed.txt',
    'certificate.pem',
    'certificate.der',
    'provenance.json',
  ].map(fixture),
  Buffer.from(
    JSON.stringify({ payloadType: 'application/vnd.in-toto+json', payload: fixture('provenance.json').toString('base64'), signatures: [{ sig: 'x' }] }),
  ),
  Buffer.from(
    JSON.stringify({ '@context': 'https://openvex.dev/ns/v0.2.0', author: 'a', timestamp: '2026-01-01T00:00:00Z', statements: [{ status: 'not_affected' }] }),
  ),
  Buffer.from(JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.5', vulnerabilities: [{ id: 'CVE-1', analysis: { state: 'not_affected' } }] })),
  Buffer.from(
    JSON.stringify({
      scorecard: { version: 'v5' },
      repo: { name: 'github.com/a/b', commit: 'c' },
      date: '2026-01-01',
      score: 7.5,
      checks: [{ name: 'Pinned-Dependencies', score: 8 }],
    }),
  ),
  Buffer.from('%PDF-1.7\n/Type /Page\n'),
  // The real-world corpus: one file of each format it holds.
  ...[
    'trivy-npm.cdx-1.7.json',
    'cdx-spec-1.7-bom.xml',
    'commons-text-vex.cdx.xml',
    'trivy-conda.spdx-2.3.json',
    'trivy-centos-7.spdx-2.2.spdx',
    'spdx-spec-3.0.1-package-sbom.jsonld',
    'lets-encrypt-r3-cross-signed.txt.pem',
    'letsencrypt-security.txt',
    'csaf-2.0-bsi-2022-0001.json',
    'openeox-core-1.0-maximal.json',
    'openeox-core-1.0-minimal-eol-tba.json',
    'cdx-spec-1.6-attestation.json',
    'cdx-examples-vex-case-1.json',
  ].map((name) => readFileSync(join(__dirname, '__fixtures__/real', name))),
  readFileSync(join(__dirname, '../signatures/__fixtures__/sigstore/happy-path-v0.1.sigstore.json')),
];

// ---- properties -------------------------------------------------------------------------------

describe('evidence parsers under generated input', () => {
  it('the real documents parse (the properties below start from working input)', async () => {
    for (const document of REAL_DOCUMENTS) expect(await parse(document)).not.toBeInstanceOf(Error);
  });

  it('parseEvidence: arbitrary bytes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 48 }),
          fc
            .tuple(
              fc.constantFrom(...SIGNATURES.map(([magic]) => magic), '{', '<', '\uFEFF', '0\x82', '-----BEGIN CERTIFICATE-----'),
              fc.uint8Array({ maxLength: 32 }),
            )
            .map(([start, rest]) => new Uint8Array(Buffer.concat([Buffer.from(start, 'latin1'), rest]))),
        ),
        async (bytes) => wellFormed(await parse(Buffer.from(bytes))),
      ),
      ASYNC,
    );
  });

  it('parseEvidence: mutated real documents of every kind', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...REAL_DOCUMENTS), edits, fc.constantFrom(null, 'policy' as const), async (document, changes, hint) =>
        wellFormed(await parse(applyEdits(document, changes), hint)),
      ),
      ASYNC,
    );
  });

  it('parseEvidence: structured but hostile JSON of no particular format', async () => {
    await fc.assert(
      fc.asyncProperty(jsonText, async (text) => wellFormed(await parse(text))),
      ASYNC,
    );
  });

  it('CycloneDX JSON', async () => {
    await fc.assert(
      fc.asyncProperty(cycloneDxJson, async (text) => wellFormed(await parse(text))),
      ASYNC,
    );
  });

  it('CycloneDX XML: never parsed with a DTD, malformed XML refused', async () => {
    await fc.assert(
      fc.asyncProperty(cycloneDxXml, async (xml) => {
        const outcome = await parse(xml);
        // Refused, never parsed: as a DTD, or earlier (binary content).
        if (/<!DOCTYPE|<!ENTITY/i.test(xml)) return outcome instanceof Error && (/DTD/.test(outcome.message) || outcome instanceof UnsupportedEvidenceError);
        return wellFormed(outcome);
      }),
      ASYNC,
    );
  });

  it('SPDX JSON', async () => {
    await fc.assert(
      fc.asyncProperty(spdxJson, async (text) => wellFormed(await parse(text))),
      ASYNC,
    );
  });

  it('SPDX 3.0 JSON-LD', async () => {
    await fc.assert(
      fc.asyncProperty(spdx3Json, async (text) => wellFormed(await parse(text))),
      ASYNC,
    );
  });

  it('SPDX tag-value', async () => {
    await fc.assert(
      fc.asyncProperty(spdxTagValue, async (text) => wellFormed(await parse(text))),
      ASYNC,
    );
  });

  it('security.txt, plain and cleartext-signed', async () => {
    await fc.assert(
      fc.asyncProperty(securityTxt, async (text) => {
        const direct = await settled(() => parseSecurityTxt(text, NOW));
        if (!(direct instanceof Error)) expect(direct.facts['signed']).toBe(text.startsWith('-----BEGIN PGP SIGNED MESSAGE-----'));
        return wellFormed(direct) && wellFormed(await parse(text));
      }),
      ASYNC,
    );
  });

  it('certificates, PEM and DER', async () => {
    const der = fixture('certificate.der');
    const pemBody = fixture('certificate.pem')
      .toString()
      .replace(/-----[A-Z ]+-----|\s/g, '');
    const damagedDer = edits.map((changes) => applyEdits(der, changes));
    const pem = fc
      .tuple(
        fc.oneof(
          fc.constant(pemBody),
          edits.map((changes) => applyEdits(Buffer.from(pemBody), changes).toString('latin1')),
          fc.base64String({ maxLength: 40 }),
        ),
        fc.constantFrom('', '\n-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----', '\n-----BEGIN CERTIFICATE-----\n'),
        // RFC 7468 explanatory text before the blocks (and lines that only look like boundaries).
        fc.constantFrom('', 'subject=CN = x\nissuer=CN = y\n', 'Certificate:\n    Data: -----BEGIN CERTIFICATE-----\n', '-----BEGIN X-----\n-----END Y-----\n'),
      )
      .map(([body, chain, before]) => Buffer.from(`${before}-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----${chain}\n`));
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          damagedDer.map((bytes) => [bytes, false] as const),
          pem.map((bytes) => [bytes, true] as const),
        ),
        fc.nat(9),
        async ([bytes, isPem], draw) => {
          if (draw === 0) {
            const direct = await settled(() => parseCertificate(bytes, isPem, NOW));
            if (direct instanceof UnsupportedEvidenceError || !wellFormed(direct)) return false;
          }
          return wellFormed(await parse(bytes));
        },
      ),
      ASYNC,
    );
  });

  // Through parseEvidence (detection, both streamed passes); every tenth document also straight into
  // its parser, which must not rely on detection having checked the shape.
  it.each([
    ['in-toto statements and DSSE envelopes', fc.oneof(statement, dsseEnvelope), parseProvenance],
    ['OpenVEX', openVex, parseOpenVex],
    ['CycloneDX VEX', cycloneDxVex, parseCycloneDxVex],
    ['OpenSSF Scorecard', scorecard, parseScorecard],
    ['CSAF 2.0', csaf, parseCsaf],
    ['OpenEoX Core', openEox, parseOpenEox],
    // The spec version as detection hands it on (a string, or none).
    [
      'CycloneDX declarations (CDXA)',
      declaration,
      (document: Record<string, unknown>) => parseCycloneDxDeclaration(document, typeof document['specVersion'] === 'string' ? document['specVersion'] : ''),
    ],
  ] as const)('%s', async (_name, documents, parser) => {
    await fc.assert(
      fc.asyncProperty(documents, fc.nat(9), async (text, draw) => {
        if (draw === 0 && !wellFormed(await settled(() => parser(parseUntrustedJson(text))))) return false;
        return wellFormed(await parse(text));
      }),
      ASYNC,
    );
  });
});

describe('VEX products under generated input', () => {
  it('a VEX lists its products as distinct, sorted, normalised purls (each normalises to itself), whatever its statements say', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(openVex, cycloneDxVex), async (text) => {
        const outcome = await parse(text);
        if (outcome instanceof Error || outcome.kind !== 'vex') return wellFormed(outcome);
        const products = outcome.facts['products'] as string[];
        return (
          Array.isArray(products) &&
          products.every((purl) => normalisePurl(purl).purl === purl) &&
          new Set(products).size === products.length &&
          products.every((purl, index) => index === 0 || (products[index - 1] as string) < purl)
        );
      }),
      ASYNC,
    );
  });
});

/** A refusal of a top-level key given twice is right when the text does give that key twice. */
function givenTwice(text: string, message: string): boolean {
  const key = /^JSON key "(.*)" appears twice$/s.exec(message)?.[1];
  return key !== undefined && text.split(JSON.stringify(key)).length > 2;
}

describe('UntrustedJsonReader', () => {
  const objects = fc.dictionary(fc.string({ unit: 'binary', maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 });

  /** Feeds bytes in chunks cut at the given points (multi-byte characters may be split). */
  function read(bytes: Uint8Array, cuts: number[]): Record<string, unknown> {
    const reader = new UntrustedJsonReader();
    let from = 0;
    for (const cut of [...cuts.map((c) => c % (bytes.length + 1))].sort((a, b) => a - b)) {
      reader.write(bytes.subarray(from, Math.max(from, cut)));
      from = Math.max(from, cut);
    }
    reader.write(bytes.subarray(from));
    return reader.end();
  }

  it('reads valid JSON objects exactly as JSON.parse does, however they are chunked', () => {
    fc.assert(
      fc.property(objects, fc.constantFrom(undefined, 0, 2, '\t'), fc.array(fc.nat(), { maxLength: 3 }), (value, indent, cuts) => {
        const text = JSON.stringify(value, null, indent);
        const expected = JSON.parse(text);
        if (Object.hasOwn(expected, '__proto__') || /"__proto__"\s*:/.test(text)) {
          expect(() => read(Buffer.from(text), cuts)).toThrow(EvidenceParseError);
        } else {
          // toEqual, not toStrictEqual: an own "constructor" key would make Jest compare constructors.
          expect(read(Buffer.from(text), cuts)).toEqual(expected);
        }
        return prototypesUntouched();
      }),
    );
  });

  it('keeps U+FEFF inside keys and values, raw or escaped, at any chunk boundary', () => {
    // Found by this suite: the tokenizer's decoder dropped a byte order mark inside a string.
    const text = '\uFEFF{"/*\uFEFF":["\uFEFFa\uFEFF"],"b":"\\ufeff","\uFEFF":1}';
    const expected = { '/*\uFEFF': ['\uFEFFa\uFEFF'], b: '\uFEFF', '\uFEFF': 1 };
    const bytes = Buffer.from(text);
    for (let cut = 0; cut <= bytes.length; cut += 1) expect(read(bytes, [cut])).toEqual(expected);
    expect(parseUntrustedJson(text)).toEqual(expected);
  });

  it('refuses what JSON.parse refuses (and non-objects), with a parse error only', () => {
    const damaged = fc
      .tuple(
        objects,
        fc.array(
          fc.tuple(
            fc.nat(),
            fc.constantFrom('', '{', '}', '[', ']', ',', ':', '"', '\\', '0', '-', 'e', '.', 'tru', ' ', '\u0000', '01', '+1', "'", '/*', 'NaN'),
          ),
          { minLength: 1, maxLength: 3 },
        ),
      )
      .map(([value, changes]) => {
        let text = JSON.stringify(value);
        for (const [at, insert] of changes) {
          const index = at % (text.length + 1);
          text = `${text.slice(0, index)}${insert}${text.slice(index + (insert === '' ? 1 : 0))}`;
        }
        return text;
      });
    fc.assert(
      fc.property(fc.oneof(damaged, fc.string({ maxLength: 16 }), jsonText), (generated) => {
        // As the reader sees it: UTF-8 bytes (a lone surrogate becomes U+FFFD).
        const text = Buffer.from(generated).toString('utf8');
        let expected: unknown;
        try {
          expected = JSON.parse(text);
        } catch {
          expected = undefined;
        }
        let actual: unknown;
        try {
          actual = parseUntrustedJson(text);
        } catch (error) {
          if (!(error instanceof EvidenceParseError || error instanceof UnsupportedEvidenceError)) throw error;
          actual = error;
        }
        const isObject = typeof expected === 'object' && expected !== null && !Array.isArray(expected);
        if (expected === undefined || !isObject) expect(actual).toBeInstanceOf(Error);
        else if (!(actual instanceof EvidenceParseError && (/__proto__|nested deeper|out of range/.test(actual.message) || givenTwice(text, actual.message))))
          expect(actual).toEqual(expected);
        return prototypesUntouched();
      }),
    );
  });

  it('refuses invalid UTF-8 anywhere in a document', () => {
    const invalid = fc.constantFrom([0xff], [0xc0, 0xaf], [0xe0, 0x80, 0xaf], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xc3], [0xf0, 0x9f, 0x98]);
    fc.assert(
      fc.property(fc.string({ maxLength: 10 }), invalid, fc.array(fc.nat(), { maxLength: 2 }), (inside, bytes, cuts) => {
        const document = Buffer.concat([Buffer.from(`{"k":"${inside.replace(/["\\]/g, '')}`), Buffer.from(bytes), Buffer.from('"}')]);
        try {
          read(document, cuts);
          return false;
        } catch (error) {
          return error instanceof EvidenceParseError && error.message === 'the document is not valid UTF-8';
        }
      }),
    );
  });
});

describe('SBOM component fields', () => {
  it('normalisePurl: both parts or neither; a canonical purl normalises to itself', () => {
    fc.assert(
      fc.property(fc.oneof(purlText, fc.anything({ maxDepth: 1 })), (raw) => {
        const { purl, purlBase } = normalisePurl(raw);
        if (purl === null) return purlBase === null;
        expect(purl.startsWith('pkg:')).toBe(true);
        expect(typeof purlBase).toBe('string');
        expect(normalisePurl(purl).purl).toBe(purl);
        return true;
      }),
    );
  });

  it('spdxExpression: null or the trimmed expression, which parses again', () => {
    const expressions = fc.oneof(
      fc
        .tuple(
          fc.constantFrom('MIT', 'Apache-2.0', 'GPL-2.0-only', 'LicenseRef-x', 'NOASSERTION', 'NONE', '(', ')', 'nope'),
          fc.constantFrom(' OR ', ' AND ', ' WITH ', ' ', ''),
          fc.constantFrom('MIT', 'Classpath-exception-2.0', '(BSD-3-Clause', ''),
        )
        .map((parts) => parts.join('')),
      fc.string({ maxLength: 20 }),
      fc.anything({ maxDepth: 1 }),
    );
    fc.assert(
      fc.property(expressions, (raw) => {
        const expression = spdxExpression(raw);
        if (expression === null) return true;
        expect(typeof raw === 'string' || typeof raw === 'number').toBe(true);
        expect(expression).toBe(String(raw).trim().slice(0, 1000));
        return spdxExpression(expression) === expression;
      }),
    );
  });

  it('hashesOf: only known algorithms, named canonically, with lower-case hex values', () => {
    const hashEntry = fc.record({
      alg: fc.oneof(
        fc.constantFrom('SHA-256', 'sha256', 'SHA1', 'md5', 'SHA3-512', 'BLAKE2b-256', 'BLAKE3', 'CRC32', '__proto__', 'constructor'),
        fc.anything({ maxDepth: 0 }),
      ),
      value: fc.oneof(fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEFx'), maxLength: 130 }), fc.anything({ maxDepth: 0 })),
    });
    fc.assert(
      fc.property(fc.array(hashEntry, { maxLength: 4 }), (entries) => {
        const hashes = hashesOf(entries);
        expect(Object.getPrototypeOf(hashes)).toBe(Object.prototype);
        for (const [alg, value] of Object.entries(hashes)) {
          expect(alg).toMatch(/^(MD5|SHA-1|SHA-(224|256|384|512)|SHA3-(256|384|512)|BLAKE2B-(256|384|512)|BLAKE3)$/);
          expect(value).toMatch(/^[0-9a-f]{16,128}$/);
        }
        return prototypesUntouched();
      }),
    );
  });
});
