import { daysAfter, rfc3339DateTime } from './dates';
import { EvidenceParseError, MAX_COMPONENTS, ParsedEvidence, asArray, isRecord, text } from './parse-result';
import { ComponentCollector, SbomEntry, hashesOf, normalisePurl, sharesOf, spdxExpression } from './sbom-components';

const SPDX_VERSIONS = ['SPDX-2.2', 'SPDX-2.3'];
/**
 * Relationships that make a dependency graph when both ends are packages (SPDX 2.3 §11.1): the
 * dependency kinds, linking, prerequisites and containment. A package CONTAINS its files too, which is no graph at all.
 */
const GRAPH_RELATIONSHIPS = new Set([
  'DEPENDS_ON',
  'DEPENDENCY_OF',
  'DEV_DEPENDENCY_OF',
  'OPTIONAL_DEPENDENCY_OF',
  'PROVIDED_DEPENDENCY_OF',
  'TEST_DEPENDENCY_OF',
  'RUNTIME_DEPENDENCY_OF',
  'BUILD_DEPENDENCY_OF',
  'DYNAMIC_LINK',
  'STATIC_LINK',
  'HAS_PREREQUISITE',
  'PREREQUISITE_FOR',
  'CONTAINS',
  'CONTAINED_BY',
]);
const DOCUMENT = 'SPDXRef-DOCUMENT';

/** A package as both SPDX serialisations give it. */
export interface SpdxPackage {
  spdxId: string | null;
  name: string | null;
  version: string | null;
  purl: string | null;
  cpe: boolean;
  checksums: { alg: unknown; value: unknown }[];
  licence: unknown;
  declared: unknown;
  supplier: string | null;
}

/** The document-level part of SPDX evidence: version, creation, and what its relationships say. */
export class SpdxDocumentInfo {
  spdxVersion: string | null = null;
  created: string | null = null;
  /** Where the creation time is written, for a refusal to name. */
  createdField = 'creationInfo.created';
  readonly creators: string[] = [];
  /** SPDX ids of the packages the document describes (the primary component, not a dependency). */
  readonly described = new Set<string>();
  /** SPDX ids of every package (a relationship counts towards the graph only between two of them). */
  readonly packageIds = new Set<string>();
  hasDependencyGraph = false;
  packageCount = 0;

  /** What a relationship says about the document: DESCRIBES / DESCRIBED_BY name its primary component. */
  relationship(from: string | null, type: string | null, to: string | null): void {
    if (from === DOCUMENT && type === 'DESCRIBES' && to) this.described.add(to);
    if (to === DOCUMENT && type === 'DESCRIBED_BY' && from) this.described.add(from);
  }

  /** A package seen (its id, for the graph). */
  package(spdxId: string | null): void {
    this.packageCount += 1;
    if (spdxId !== null && this.packageIds.size < MAX_COMPONENTS) this.packageIds.add(spdxId);
  }

  /** A relationship read once every package id is known: a dependency or containment edge between two packages. */
  edge(from: string | null, type: string | null, to: string | null): void {
    if (this.hasDependencyGraph || type === null || from === null || to === null || !GRAPH_RELATIONSHIPS.has(type)) return;
    if (this.packageIds.has(from) && this.packageIds.has(to) && from !== to) this.hasDependencyGraph = true;
  }

  /** Refuses unsupported versions and documents with too many packages. */
  check(): void {
    if (!this.spdxVersion || !SPDX_VERSIONS.includes(this.spdxVersion))
      throw new EvidenceParseError(`SPDX version ${this.spdxVersion ?? '(missing)'} is not supported (2.2, 2.3)`);
    if (this.packageCount > MAX_COMPONENTS) throw new EvidenceParseError(`more than ${MAX_COMPONENTS} packages`);
  }
}

function entryOf(pkg: SpdxPackage): SbomEntry {
  const { purl, purlBase } = normalisePurl(pkg.purl);
  const concluded = spdxExpression(pkg.licence) ?? spdxExpression(pkg.declared);
  return {
    purl,
    purlBase,
    name: pkg.name ?? '(unnamed)',
    version: pkg.version,
    type: purl ? purl.slice(4, purl.indexOf('/')) : null,
    licences: concluded ? [concluded] : [],
    hashes: hashesOf(pkg.checksums),
    hasCpe: pkg.cpe,
    declaresLicence: concluded !== null,
    hasSupplier: pkg.supplier !== null && pkg.supplier !== 'NOASSERTION',
  };
}

/**
 * Takes a document's packages in order: the described ones are its primary component (the first is
 * reported), every other one is a component.
 */
export class SpdxPackages {
  primary: SbomEntry | null = null;

  constructor(
    private readonly info: SpdxDocumentInfo,
    private readonly collector: ComponentCollector,
  ) {}

  add(pkg: SpdxPackage): void {
    const entry = entryOf(pkg);
    if (pkg.spdxId !== null && this.info.described.has(pkg.spdxId)) this.primary ??= entry;
    else this.collector.add(entry);
  }

  evidence(mediaType: string, sbomMaxAgeDays: number): ParsedEvidence {
    const info = this.info;
    const stats = this.collector.stats;
    const createdAt = rfc3339DateTime(info.created, info.createdField);
    const tool =
      info.creators
        .find((creator) => creator.startsWith('Tool:'))
        ?.slice(5)
        .trim() ?? null;
    return {
      kind: 'sbom',
      mediaType,
      facts: {
        format: 'spdx',
        specVersion: (info.spdxVersion ?? '').slice(5),
        componentCount: stats.componentCount,
        primaryComponent: this.primary ? { name: this.primary.name, version: this.primary.version, purl: this.primary.purl } : null,
        share: sharesOf(stats),
        hasDependencyGraph: info.hasDependencyGraph,
        createdAt,
        tool,
      },
      validUntil: daysAfter(createdAt, sbomMaxAgeDays),
      ...(this.collector.components ? { components: this.collector.components } : {}),
    };
  }
}

/** The document-level fields of SPDX 2.x JSON (its packages and relationships are streamed separately). */
export function spdxJsonInfo(document: Record<string, unknown>, info: SpdxDocumentInfo): SpdxDocumentInfo {
  const creation = isRecord(document['creationInfo']) ? document['creationInfo'] : {};
  info.spdxVersion = text(document['spdxVersion'], 20);
  info.created = text(creation['created'], 64);
  info.creators.push(
    ...asArray(creation['creators'])
      .map((c) => text(c, 300))
      .filter((c): c is string => c !== null),
  );
  for (const described of asArray(document['documentDescribes'])) {
    const id = text(described, 300);
    if (id) info.described.add(id);
  }
  return info;
}

/** One element of SPDX JSON `relationships`: the described packages (first pass) or the graph (`edges`, second pass). */
export function spdxJsonRelationship(info: SpdxDocumentInfo, raw: unknown, edges = false): void {
  if (!isRecord(raw)) return;
  const [from, type, to] = [text(raw['spdxElementId'], 300), text(raw['relationshipType'], 64), text(raw['relatedSpdxElement'], 300)];
  if (edges) info.edge(from, type, to);
  else info.relationship(from, type, to);
}

/** One element of SPDX JSON `packages`, or null when it is not an object. */
export function spdxJsonPackage(raw: unknown): SpdxPackage | null {
  if (!isRecord(raw)) return null;
  const refs = asArray(raw['externalRefs']).filter(isRecord);
  const purlRef = refs.find((ref) => ref['referenceType'] === 'purl');
  return {
    spdxId: text(raw['SPDXID'], 300),
    name: text(raw['name'], 512),
    version: text(raw['versionInfo'], 256),
    purl: purlRef ? text(purlRef['referenceLocator'], 2048) : null,
    cpe: refs.some((ref) => typeof ref['referenceType'] === 'string' && ref['referenceType'].startsWith('cpe')),
    checksums: asArray(raw['checksums'])
      .filter(isRecord)
      .map((c) => ({ alg: c['algorithm'], value: c['checksumValue'] })),
    licence: raw['licenseConcluded'],
    declared: raw['licenseDeclared'],
    supplier: text(raw['supplier'], 300),
  };
}

/** SPDX 2.x tag-value: `Tag: value` lines, `<text>…</text>` blocks; each `PackageName` opens a package. */
export async function parseSpdxTagValue(source: string, sbomMaxAgeDays: number, collector: ComponentCollector): Promise<ParsedEvidence> {
  const info = new SpdxDocumentInfo();
  info.createdField = 'Created';
  const packages: SpdxPackage[] = [];
  const edges: [string | null, string | null, string | null][] = [];
  let current: SpdxPackage | null = null;
  const lines = source.split(/\r?\n/);
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index] ?? '';
    if (line.startsWith('#') || line.trim() === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const tag = line.slice(0, colon).trim();
    let value = line.slice(colon + 1).trim();
    if (value.startsWith('<text>')) {
      // Multi-line text values: skip to the closing tag.
      while (!value.includes('</text>') && index + 1 < lines.length) {
        index += 1;
        value += `\n${lines[index] ?? ''}`;
      }
      value = value.replace(/^<text>/, '').replace(/<\/text>$/, '');
    }
    switch (tag) {
      case 'SPDXVersion':
        info.spdxVersion = value;
        break;
      case 'Created':
        info.created = value;
        break;
      case 'Creator':
        info.creators.push(value);
        break;
      case 'DocumentDescribes':
        for (const id of value.split(',').map((part) => part.trim())) if (id) info.described.add(id);
        break;
      case 'PackageName':
        if (packages.length >= MAX_COMPONENTS) throw new EvidenceParseError(`more than ${MAX_COMPONENTS} packages`);
        current = { spdxId: null, name: text(value, 512), version: null, purl: null, cpe: false, checksums: [], licence: null, declared: null, supplier: null };
        packages.push(current);
        break;
      // A file, snippet or licence section ends the package before it (its SPDXID is not the package's).
      case 'FileName':
      case 'SnippetSPDXID':
      case 'LicenseID':
        current = null;
        break;
      case 'SPDXID':
        if (current && current.spdxId === null) current.spdxId = value;
        break;
      case 'PackageVersion':
        if (current) current.version = text(value, 256);
        break;
      case 'PackageSupplier':
        if (current) current.supplier = text(value, 300);
        break;
      case 'PackageLicenseConcluded':
        if (current) current.licence = value;
        break;
      case 'PackageLicenseDeclared':
        if (current) current.declared = value;
        break;
      case 'PackageChecksum': {
        const [alg, checksum] = value.split(':').map((part) => part.trim());
        if (current) current.checksums.push({ alg, value: checksum });
        break;
      }
      case 'ExternalRef': {
        const [, type, locator] = value.split(/\s+/);
        if (current && type === 'purl') current.purl = locator ?? null;
        if (current && type?.startsWith('cpe')) current.cpe = true;
        break;
      }
      case 'Relationship': {
        const [from, type, to] = value.split(/\s+/).map((part) => part.slice(0, 300));
        info.relationship(from ?? null, type ?? null, to ?? null);
        edges.push([from ?? null, type ?? null, to ?? null]);
        break;
      }
      default:
        break;
    }
  }
  for (const pkg of packages) info.package(pkg.spdxId);
  info.check();
  for (const [from, type, to] of edges) info.edge(from, type, to);
  const taken = new SpdxPackages(info, collector);
  for (const pkg of packages) {
    taken.add(pkg);
    if (collector.full) await collector.flush();
  }
  await collector.drain();
  return taken.evidence('text/spdx', sbomMaxAgeDays);
}
