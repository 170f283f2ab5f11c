import { daysAfter, rfc3339DateTime } from './dates';
import { EvidenceParseError, MAX_COMPONENTS, ParsedEvidence, asArray, isRecord, text } from './parse-result';
import { ComponentCollector, SbomEntry, hashesOf, normalisePurl, sharesOf, spdxExpression } from './sbom-components';

/*
 * SPDX 3.0 in its JSON-LD serialisation: a `@context` naming the SPDX 3.0 context and a `@graph` of
 * elements (SpdxDocument, software_Sbom, software_Package, Relationship, CreationInfo, Tool,
 * licences…) in any order, so the graph is read twice: the first pass keeps what is small (ids of
 * packages, roots, creation info, tools, licence elements and which licence each package has), the
 * second takes the packages as components and looks at the relationships with every package known.
 */

const CONTEXT = /^https:\/\/spdx\.org\/rdf\/3\.0\.\d+\/spdx-context\.jsonld$/;
/** Relationship types that make a dependency graph between two packages (SPDX 3.0 Core RelationshipType). */
const GRAPH_RELATIONSHIPS = new Set([
  'dependsOn',
  'contains',
  'hasDynamicLink',
  'hasStaticLink',
  'hasOptionalDependency',
  'hasProvidedDependency',
  'hasPrerequisite',
]);
const LICENCE_RELATIONSHIPS = new Set(['hasConcludedLicense', 'hasDeclaredLicense']);
const LISTED_LICENCE_IRI = /^https?:\/\/spdx\.org\/licenses\/([A-Za-z0-9.+-]+)$/;
/** SPDX 3.0 HashAlgorithm names as the `hashes` fact names them. */
const HASH_NAMES: Readonly<Record<string, string>> = {
  md5: 'MD5',
  sha1: 'SHA-1',
  sha224: 'SHA-224',
  sha256: 'SHA-256',
  sha384: 'SHA-384',
  sha512: 'SHA-512',
  sha3_256: 'SHA3-256',
  sha3_384: 'SHA3-384',
  sha3_512: 'SHA3-512',
  blake2b256: 'BLAKE2b-256',
  blake2b384: 'BLAKE2b-384',
  blake2b512: 'BLAKE2b-512',
  blake3: 'BLAKE3',
};
/** At most this many licence elements and tools are remembered (an SBOM names a few hundred licences). */
const MAX_SMALL_ELEMENTS = 50_000;

/** Whether a JSON document's `@context` is the SPDX 3.0 one. */
export function isSpdx3Context(context: unknown): boolean {
  return asArray(context).some((entry) => typeof entry === 'string' && CONTEXT.test(entry));
}

function typeOf(element: Record<string, unknown>): string | null {
  return text(element['type'] ?? element['@type'], 100);
}

function idOf(element: Record<string, unknown>): string | null {
  return text(element['spdxId'] ?? element['@id'], 500);
}

function ids(value: unknown): string[] {
  return asArray(value)
    .map((id) => text(id, 500))
    .filter((id): id is string => id !== null)
    .slice(0, 10_000);
}

interface CreationInfo {
  specVersion: string | null;
  created: unknown;
  createdUsing: string[];
}

function creationInfoOf(raw: Record<string, unknown>): CreationInfo {
  return { specVersion: text(raw['specVersion'], 20), created: raw['created'], createdUsing: ids(raw['createdUsing']) };
}

export class Spdx3Document {
  packageCount = 0;
  hasDependencyGraph = false;
  private readonly packageIds = new Set<string>();
  private readonly roots = new Set<string>();
  private readonly creationInfos = new Map<string, CreationInfo>();
  private documentCreationInfo: CreationInfo | string | null = null;
  private firstCreationInfo: CreationInfo | null = null;
  private readonly tools = new Map<string, string>();
  private readonly licences = new Map<string, string>();
  /** Package id → the licence element its concluded (preferred) or declared licence relationship names. */
  private readonly packageLicences = new Map<string, { ref: string; concluded: boolean }>();
  private primary: SbomEntry | null = null;

  /** First pass: one element of `@graph`, of which only the small parts are kept. */
  observe(raw: unknown): void {
    if (!isRecord(raw)) return;
    const type = typeOf(raw);
    const id = idOf(raw);
    const inline = isRecord(raw['creationInfo']) ? creationInfoOf(raw['creationInfo']) : null;
    if (inline) this.firstCreationInfo ??= inline;
    switch (type) {
      case 'software_Package':
        this.packageCount += 1;
        if (id !== null && this.packageIds.size < MAX_COMPONENTS) this.packageIds.add(id);
        break;
      case 'SpdxDocument':
        this.documentCreationInfo ??= inline ?? text(raw['creationInfo'], 500);
        for (const root of ids(raw['rootElement'])) this.roots.add(root);
        break;
      case 'software_Sbom':
      case 'Bom':
        for (const root of ids(raw['rootElement'])) this.roots.add(root);
        break;
      case 'CreationInfo': {
        const info = creationInfoOf(raw);
        this.firstCreationInfo ??= info;
        if (id !== null && this.creationInfos.size < 1_000) this.creationInfos.set(id, info);
        break;
      }
      case 'Tool':
        if (id !== null && this.tools.size < MAX_SMALL_ELEMENTS) this.tools.set(id, text(raw['name'], 200) ?? id);
        break;
      case 'simplelicensing_LicenseExpression': {
        const expression = text(raw['simplelicensing_licenseExpression'], 1000);
        if (id !== null && expression !== null && this.licences.size < MAX_SMALL_ELEMENTS) this.licences.set(id, expression);
        break;
      }
      case 'expandedlicensing_ListedLicense': {
        const name = text(raw['name'], 200);
        if (id !== null && name !== null && this.licences.size < MAX_SMALL_ELEMENTS) this.licences.set(id, name);
        break;
      }
      case 'Relationship':
      case 'LifecycleScopedRelationship': {
        const relationshipType = text(raw['relationshipType'], 64);
        const from = text(raw['from'], 500);
        if (from === null) break;
        if (relationshipType === 'describes') for (const to of ids(raw['to'])) this.roots.add(to);
        if (relationshipType !== null && LICENCE_RELATIONSHIPS.has(relationshipType)) {
          const to = ids(raw['to'])[0];
          const concluded = relationshipType === 'hasConcludedLicense';
          const known = this.packageLicences.get(from);
          if (to !== undefined && (!known || (concluded && !known.concluded)) && this.packageLicences.size < MAX_COMPONENTS)
            this.packageLicences.set(from, { ref: to, concluded });
        }
        break;
      }
      default:
        break;
    }
  }

  /** The creation info of the document (its own, or the first one given). */
  private creation(): CreationInfo | null {
    const own = this.documentCreationInfo;
    if (own !== null && typeof own !== 'string') return own;
    return (own !== null ? this.creationInfos.get(own) : undefined) ?? this.firstCreationInfo;
  }

  /** Refuses versions other than 3.0 and documents with too many packages (before any is written). */
  check(): string {
    const specVersion = this.creation()?.specVersion ?? null;
    if (specVersion === null || !/^3\.0\.\d+$/.test(specVersion))
      throw new EvidenceParseError(`SPDX version ${specVersion ?? '(missing)'} is not supported (3.0)`);
    if (this.packageCount > MAX_COMPONENTS) throw new EvidenceParseError(`more than ${MAX_COMPONENTS} packages`);
    return specVersion;
  }

  private licenceOf(packageId: string | null): string | null {
    const reference = packageId === null ? undefined : this.packageLicences.get(packageId)?.ref;
    if (reference === undefined) return null;
    const listed = LISTED_LICENCE_IRI.exec(reference)?.[1];
    return spdxExpression(this.licences.get(reference) ?? listed ?? null);
  }

  private entryOf(raw: Record<string, unknown>, id: string | null): SbomEntry {
    const identifiers = asArray(raw['externalIdentifier']).filter(isRecord);
    const purlIdentifier = identifiers.find((identifier) => identifier['externalIdentifierType'] === 'packageUrl');
    const { purl, purlBase } = normalisePurl(raw['software_packageUrl'] ?? purlIdentifier?.['identifier']);
    const licence = this.licenceOf(id);
    return {
      purl,
      purlBase,
      name: text(raw['name'], 512) ?? '(unnamed)',
      version: text(raw['software_packageVersion'], 256),
      type: purl ? purl.slice(4, purl.indexOf('/')) : null,
      licences: licence ? [licence] : [],
      hashes: hashesOf(
        asArray(raw['verifiedUsing'])
          .filter(isRecord)
          .map((hash) => ({ alg: HASH_NAMES[String(hash['algorithm'])] ?? null, value: hash['hashValue'] })),
      ),
      hasCpe: identifiers.some(
        (identifier) => typeof identifier['externalIdentifierType'] === 'string' && identifier['externalIdentifierType'].startsWith('cpe'),
      ),
      declaresLicence: licence !== null,
      hasSupplier: text(raw['suppliedBy'], 500) !== null || isRecord(raw['suppliedBy']),
    };
  }

  /** Second pass: packages become components (the document's roots are its primary component), relationships make the graph. */
  take(raw: unknown, collector: ComponentCollector): void {
    if (!isRecord(raw)) return;
    const type = typeOf(raw);
    if (type === 'software_Package') {
      const id = idOf(raw);
      const entry = this.entryOf(raw, id);
      if (id !== null && this.roots.has(id)) this.primary ??= entry;
      else collector.add(entry);
    } else if ((type === 'Relationship' || type === 'LifecycleScopedRelationship') && !this.hasDependencyGraph) {
      const relationshipType = text(raw['relationshipType'], 64);
      const from = text(raw['from'], 500);
      if (relationshipType === null || from === null || !GRAPH_RELATIONSHIPS.has(relationshipType) || !this.packageIds.has(from)) return;
      if (ids(raw['to']).some((to) => to !== from && this.packageIds.has(to))) this.hasDependencyGraph = true;
    }
  }

  evidence(collector: ComponentCollector, sbomMaxAgeDays: number): ParsedEvidence {
    const specVersion = this.check();
    const creation = this.creation();
    const createdAt = rfc3339DateTime(creation?.created, 'CreationInfo.created');
    const tool = (creation?.createdUsing ?? []).map((id) => this.tools.get(id)).find((name) => name !== undefined) ?? this.tools.values().next().value ?? null;
    const stats = collector.stats;
    return {
      kind: 'sbom',
      mediaType: 'application/spdx+json',
      facts: {
        format: 'spdx',
        specVersion,
        componentCount: stats.componentCount,
        primaryComponent: this.primary ? { name: this.primary.name, version: this.primary.version, purl: this.primary.purl } : null,
        share: sharesOf(stats),
        hasDependencyGraph: this.hasDependencyGraph,
        createdAt,
        tool,
      },
      validUntil: daysAfter(createdAt, sbomMaxAgeDays),
      ...(collector.components ? { components: collector.components } : {}),
    };
  }
}
