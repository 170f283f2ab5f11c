import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { EvidenceParseError, ParsedEvidence, asArray, daysAfter, isRecord, isoDate, text } from './parse-result';
import { ComponentCollector, SbomEntry, hashesOf, normalisePurl, sharesOf, spdxExpression } from './sbom-components';

const SPEC_VERSIONS = ['1.2', '1.3', '1.4', '1.5', '1.6'];

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
    throw new EvidenceParseError(`CycloneDX specVersion ${specVersion ?? '(missing)'} is not supported (1.2–1.6)`);
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
  const createdAt = isoDate(metadata['timestamp']);
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
]);

/** XML with a DTD is refused outright: no entity expansion (XXE, billion laughs) can happen. */
export function refuseDtd(xml: string): void {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new EvidenceParseError('XML with a DTD or entity declarations is refused');
}

/** A CycloneDX XML BOM mapped to the JSON shape. */
export function parseCycloneDxXml(xml: string, sbomMaxAgeDays: number, collector: ComponentCollector): Promise<ParsedEvidence> {
  refuseDtd(xml);
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new EvidenceParseError(`malformed XML: ${valid.err.msg} (line ${valid.err.line})`);
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    processEntities: false,
    htmlEntities: false,
    parseTagValue: false,
    parseAttributeValue: false,
    isArray: (_name, path) => ARRAY_PATHS.has(String(path).split('.').slice(-2).join('.')),
  });
  let document: Record<string, unknown>;
  try {
    document = parser.parse(xml) as Record<string, unknown>;
  } catch (error) {
    // The validator lets a few malformations through (a broken processing instruction) that the parser then throws on.
    throw new EvidenceParseError(`malformed XML: ${(error as Error).message.slice(0, 200)}`);
  }
  const root = document['bom'];
  if (!isRecord(root)) throw new EvidenceParseError('not a CycloneDX BOM: no <bom> root');
  const namespace = text(root['@xmlns'], 200) ?? '';
  const match = /^http:\/\/cyclonedx\.org\/schema\/bom\/(\d\.\d)$/.exec(namespace);
  if (!match) throw new EvidenceParseError(`not a CycloneDX BOM namespace: ${namespace || '(none)'}`);
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
    return { ...raw, type: raw['@type'], licenses: licences, hashes, components: children.map(mapComponent) };
  };
  const metadata = isRecord(root['metadata']) ? root['metadata'] : {};
  const tools = isRecord(metadata['tools'])
    ? {
        components: [
          ...asArray(metadata['tools']['tool']),
          ...(isRecord(metadata['tools']['components']) ? asArray(metadata['tools']['components']['component']) : []),
        ],
      }
    : undefined;
  const dependencies = isRecord(root['dependencies'])
    ? asArray(root['dependencies']['dependency'])
        .filter(isRecord)
        .map((d) => ({ ref: d['@ref'], dependsOn: asArray(d['dependency']) }))
    : [];
  const bom = {
    specVersion: match[1],
    metadata: { timestamp: metadata['timestamp'], component: mapComponent(metadata['component']), tools },
    components: isRecord(root['components']) ? asArray(root['components']['component']).map(mapComponent) : [],
    dependencies,
  };
  return parseCycloneDx(bom, 'application/vnd.cyclonedx+xml', sbomMaxAgeDays, collector);
}
