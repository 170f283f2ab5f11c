import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { parseCycloneDxVex } from './attestation.parsers';
import { daysAfter, rfc3339DateTime } from './dates';
import { EvidenceParseError, ParsedEvidence, asArray, isRecord, text } from './parse-result';
import { ComponentCollector, SbomEntry, hashesOf, normalisePurl, sharesOf, spdxExpression } from './sbom-components';

const SPEC_VERSIONS = ['1.2', '1.3', '1.4', '1.5', '1.6', '1.7'];

function componentOf(raw: Record<string, unknown>): SbomEntry {
  const { purl, purlBase } = normalisePurl(raw['purl']);
  const licences: string[] = [];
  let declaresLicence = false;
  for (const choice of asArray(raw['licenses'])) {
    if (!isRecord(choice)) continue;
    declaresLicence = true;
    const expression = spdxExpression(choice['expression']) ?? (isRecord(choice['license']) ? spdxExpression(choice['license']['id']) : null);
    if (expression) licences.push(expression);
  }
  const hashes = hashesOf(
    asArray(raw['hashes'])
      .filter(isRecord)
      .map((hash) => ({ alg: hash['alg'], value: hash['content'] })),
  );
  return {
    purl,
    purlBase,
    name: text(raw['name'], 512) ?? '(unnamed)',
    version: text(raw['version'], 256),
    type: text(raw['type'], 64),
    licences,
    hashes,
    hasCpe: text(raw['cpe'], 1024) !== null,
    declaresLicence,
    hasSupplier: isRecord(raw['supplier']) || text(raw['publisher'], 512) !== null,
  };
}

function toolOf(metadata: Record<string, unknown>): string | null {
  const tools = metadata['tools'];
  // 1.2–1.4: an array of tools; 1.5+: { components: [...], services: [...] }.
  const list = isRecord(tools) ? asArray(tools['components']) : asArray(tools);
  const first = list.find(isRecord);
  if (!first) return null;
  return (
    [
      text(first['vendor'], 200) ?? text(isRecord(first['manufacturer']) ? first['manufacturer']['name'] : null, 200),
      text(first['name'], 200),
      text(first['version'], 100),
    ]
      .filter((part): part is string => part !== null)
      .join(' ') || null
  );
}

/** The BOM's spec version, refused unless supported. */
export function cycloneDxSpecVersion(bom: Record<string, unknown>): string {
  const specVersion = text(bom['specVersion'], 10);
  if (!specVersion || !SPEC_VERSIONS.includes(specVersion))
    throw new EvidenceParseError(`CycloneDX specVersion ${specVersion ?? '(missing)'} is not supported (1.2–1.7)`);
  return specVersion;
}

/** One element of a BOM's `components`, with its nested components (walked iteratively, never recursively). */
export function addCycloneDxComponent(raw: unknown, collector: ComponentCollector): void {
  const pending: unknown[] = [raw];
  while (pending.length > 0) {
    const next = pending.pop();
    if (!isRecord(next)) continue;
    collector.add(componentOf(next));
    for (const child of asArray(next['components'])) pending.push(child);
  }
}

/** A dependency entry that depends on something: the BOM has a dependency graph. */
export function declaresDependencies(dependency: unknown): boolean {
  return isRecord(dependency) && asArray(dependency['dependsOn']).length > 0;
}

/** The evidence of a CycloneDX SBOM whose components went through `collector`. */
export function cycloneDxEvidence(
  bom: Record<string, unknown>,
  mediaType: string,
  sbomMaxAgeDays: number,
  collector: ComponentCollector,
  hasDependencyGraph: boolean,
  vulnerabilities: number,
): ParsedEvidence {
  const specVersion = cycloneDxSpecVersion(bom);
  const metadata = isRecord(bom['metadata']) ? bom['metadata'] : {};
  const primary = isRecord(metadata['component']) ? componentOf(metadata['component']) : null;
  const createdAt = rfc3339DateTime(metadata['timestamp'], 'metadata.timestamp');
  const stats = collector.stats;
  return {
    kind: 'sbom',
    mediaType,
    facts: {
      format: 'cyclonedx',
      specVersion,
      componentCount: stats.componentCount,
      primaryComponent: primary ? { name: primary.name, version: primary.version, purl: primary.purl } : null,
      share: sharesOf(stats),
      hasDependencyGraph,
      createdAt,
      tool: toolOf(metadata),
      ...(vulnerabilities > 0 ? { vulnerabilityCount: vulnerabilities } : {}),
    },
    validUntil: daysAfter(createdAt, sbomMaxAgeDays),
    ...(collector.components ? { components: collector.components } : {}),
  };
}

/** A CycloneDX BOM held whole (the XML parser maps XML to the JSON shape). */
export async function parseCycloneDx(
  bom: Record<string, unknown>,
  mediaType: string,
  sbomMaxAgeDays: number,
  collector: ComponentCollector,
): Promise<ParsedEvidence> {
  cycloneDxSpecVersion(bom);
  for (const raw of asArray(bom['components'])) {
    addCycloneDxComponent(raw, collector);
    if (collector.full) await collector.flush();
  }
  await collector.drain();
  return cycloneDxEvidence(
    bom,
    mediaType,
    sbomMaxAgeDays,
    collector,
    asArray(bom['dependencies']).some(declaresDependencies),
    asArray(bom['vulnerabilities']).length,
  );
}

const ARRAY_PATHS = new Set([
  'bom.components.component',
  'component.components.component',
  'licenses.license',
  'hashes.hash',
  'tools.tool',
  'dependencies.dependency',
  'dependency.dependency',
  'tools.components.component',
  'vulnerabilities.vulnerability',
  'references.reference',
  'affects.target',
  'responses.response',
]);

/** XML with a DTD is refused outright: no entity expansion (XXE, billion laughs) can happen. */
export function refuseDtd(xml: string): void {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new EvidenceParseError('XML with a DTD or entity declarations is refused');
}

const CYCLONEDX_NAMESPACE = /^http:\/\/cyclonedx\.org\/schema\/bom\/(\d\.\d)$/;
/** The document element: a qualified name and its attributes (after the XML declaration, comments and processing instructions). */
const ROOT_ELEMENT = /^(?:\s|<\?[\s\S]*?\?>|<!--[\s\S]*?-->)*<(?:([A-Za-z_][\w.-]*):)?([A-Za-z_][\w.-]*)(\s[^>]*)?\/?>/;

/**
 * The root of a CycloneDX XML document: `<bom>` in the CycloneDX namespace, as the default
 * namespace or under any prefix (`<cdx:bom xmlns:cdx="…">`). Returns the prefix (empty for the
 * default namespace) and the spec version the namespace names; null when the document element is
 * not a `bom` at all.
 */
export function cycloneDxXmlRoot(xml: string): { prefix: string; specVersion: string } | null {
  const root = ROOT_ELEMENT.exec(xml.slice(0, 16_384));
  if (!root || root[2] !== 'bom') return null;
  const prefix = root[1] ?? '';
  const attributes = root[3] ?? '';
  const declaration = new RegExp(`\\sxmlns${prefix ? `:${prefix.replace(/[.-]/g, '\\$&')}` : ''}\\s*=\\s*("([^"]*)"|'([^']*)')`).exec(attributes);
  const namespace = declaration ? (declaration[2] ?? declaration[3] ?? '') : '';
  const match = CYCLONEDX_NAMESPACE.exec(namespace);
  if (!match) throw new EvidenceParseError(`not a CycloneDX BOM namespace: ${namespace.slice(0, 200) || '(none)'}`);
  return { prefix, specVersion: match[1] ?? '' };
}

/** A vulnerability of a CycloneDX XML BOM in the JSON shape: id, references, analysis, affected refs (what VEX reading needs). */
function xmlVulnerability(raw: Record<string, unknown>): Record<string, unknown> {
  const analysis = isRecord(raw['analysis']) ? raw['analysis'] : null;
  const references = isRecord(raw['references']) ? asArray(raw['references']['reference']).filter(isRecord) : [];
  const targets = isRecord(raw['affects']) ? asArray(raw['affects']['target']).filter(isRecord) : [];
  return {
    id: raw['id'],
    references: references.map((reference) => ({ id: reference['id'] })),
    analysis: analysis
      ? {
          state: analysis['state'],
          justification: analysis['justification'],
          detail: analysis['detail'],
          response: isRecord(analysis['responses']) ? asArray(analysis['responses']['response']) : [],
        }
      : undefined,
    affects: targets.map((target) => ({ ref: target['ref'] })),
  };
}

/**
 * A CycloneDX XML BOM mapped to the JSON shape. Elements of the CycloneDX namespace are read
 * whatever their prefix; elements of other namespaces (extensions, signatures) keep their prefix
 * and are ignored.
 */
export function cycloneDxXmlBom(xml: string): Record<string, unknown> & { components: unknown[]; vulnerabilities: Record<string, unknown>[] } {
  refuseDtd(xml);
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new EvidenceParseError(`malformed XML: ${valid.err.msg} (line ${valid.err.line})`);
  const root = cycloneDxXmlRoot(xml);
  if (!root) throw new EvidenceParseError('not a CycloneDX BOM: no <bom> root');
  const qualified = root.prefix ? `${root.prefix}:` : '';
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    processEntities: false,
    htmlEntities: false,
    parseTagValue: false,
    parseAttributeValue: false,
    // The CycloneDX prefix is dropped; names under other prefixes keep theirs, so nothing reads them. (Idempotent:
    // fast-xml-parser transforms the name of a self-closing element twice.)
    transformTagName: (name) => (qualified && name.startsWith(qualified) ? name.slice(qualified.length) : name),
    isArray: (_name, path) => ARRAY_PATHS.has(String(path).split('.').slice(-2).join('.')),
  });
  let document: Record<string, unknown>;
  try {
    document = parser.parse(xml) as Record<string, unknown>;
  } catch (error) {
    // The validator lets a few malformations through (a broken processing instruction) that the parser then throws on.
    throw new EvidenceParseError(`malformed XML: ${(error as Error).message.slice(0, 200)}`);
  }
  const bomRoot = document['bom'];
  if (!isRecord(bomRoot)) throw new EvidenceParseError('not a CycloneDX BOM: no <bom> root');
  const mapComponent = (raw: unknown): unknown => {
    if (!isRecord(raw)) return raw;
    const licences = isRecord(raw['licenses'])
      ? [
          ...asArray(raw['licenses']['license'])
            .filter(isRecord)
            .map((l) => ({ license: { id: l['id'], name: l['name'] } })),
          ...asArray(raw['licenses']['expression']).map((e) => ({ expression: isRecord(e) ? e['#text'] : e })),
        ]
      : [];
    const hashes = isRecord(raw['hashes'])
      ? asArray(raw['hashes']['hash']).map((h) => (isRecord(h) ? { alg: h['@alg'], content: h['#text'] } : { alg: null, content: h }))
      : [];
    const children = isRecord(raw['components']) ? asArray(raw['components']['component']) : [];
    return { ...raw, type: raw['@type'], 'bom-ref': raw['@bom-ref'], licenses: licences, hashes, components: children.map(mapComponent) };
  };
  const metadata = isRecord(bomRoot['metadata']) ? bomRoot['metadata'] : {};
  const tools = isRecord(metadata['tools'])
    ? {
        components: [
          ...asArray(metadata['tools']['tool']),
          ...(isRecord(metadata['tools']['components']) ? asArray(metadata['tools']['components']['component']) : []),
        ],
      }
    : undefined;
  const dependencies = isRecord(bomRoot['dependencies'])
    ? asArray(bomRoot['dependencies']['dependency'])
        .filter(isRecord)
        .map((d) => ({ ref: d['@ref'], dependsOn: asArray(d['dependency']) }))
    : [];
  const vulnerabilities = isRecord(bomRoot['vulnerabilities'])
    ? asArray(bomRoot['vulnerabilities']['vulnerability']).filter(isRecord).map(xmlVulnerability)
    : [];
  const components = isRecord(bomRoot['components']) ? asArray(bomRoot['components']['component']) : [];
  return {
    bomFormat: 'CycloneDX',
    specVersion: root.specVersion,
    metadata: { timestamp: metadata['timestamp'], component: mapComponent(metadata['component']), tools },
    components: components.map(mapComponent),
    dependencies,
    vulnerabilities,
  };
}

/** A CycloneDX XML BOM; one whose vulnerabilities carry an analysis and that lists no components is VEX, as in JSON. */
export function parseCycloneDxXml(xml: string, sbomMaxAgeDays: number, collector: ComponentCollector): Promise<ParsedEvidence> {
  const bom = cycloneDxXmlBom(xml);
  if (bom.components.length === 0 && bom.vulnerabilities.some((v) => v['analysis'] !== undefined)) {
    cycloneDxSpecVersion(bom);
    return Promise.resolve(parseCycloneDxVex(bom, 'application/vnd.cyclonedx+xml'));
  }
  return parseCycloneDx(bom, 'application/vnd.cyclonedx+xml', sbomMaxAgeDays, collector);
}
