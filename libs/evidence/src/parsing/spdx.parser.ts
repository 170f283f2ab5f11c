import type { SbomComponent } from '../components/components.repository';
import { EvidenceParseError, MAX_COMPONENTS, ParsedEvidence, asArray, isRecord, isoDate, text } from './parse-result';
import { hashesOf, normalisePurl, sbomStatistics, sharesOf, spdxExpression } from './sbom-components';

const SPDX_VERSIONS = ['SPDX-2.2', 'SPDX-2.3'];
const GRAPH_RELATIONSHIPS = new Set(['DEPENDS_ON', 'DEPENDENCY_OF', 'CONTAINS', 'CONTAINED_BY', 'DEV_DEPENDENCY_OF', 'OPTIONAL_DEPENDENCY_OF', 'RUNTIME_DEPENDENCY_OF', 'BUILD_DEPENDENCY_OF']);

/** The document shape both SPDX serialisations are mapped to. */
interface SpdxDocument {
  spdxVersion: string | null;
  created: string | null;
  creators: string[];
  describes: string[];
  packages: { spdxId: string | null; name: string | null; version: string | null; purl: string | null; cpe: boolean; checksums: { alg: unknown; value: unknown }[]; licence: unknown; declared: unknown; supplier: string | null }[];
  relationships: { from: string | null; type: string | null; to: string | null }[];
}

function toParsed(doc: SpdxDocument, mediaType: string, sbomMaxAgeDays: number): ParsedEvidence {
  if (!doc.spdxVersion || !SPDX_VERSIONS.includes(doc.spdxVersion)) throw new EvidenceParseError(`SPDX version ${doc.spdxVersion ?? '(missing)'} is not supported (2.2, 2.3)`);
  if (doc.packages.length > MAX_COMPONENTS) throw new EvidenceParseError(`more than ${MAX_COMPONENTS} packages`);
  const described = new Set([...doc.describes, ...doc.relationships.filter((r) => r.from === 'SPDXRef-DOCUMENT' && r.type === 'DESCRIBES').map((r) => r.to)]);
  const entries = doc.packages.map((pkg) => {
    const { purl, purlBase } = normalisePurl(pkg.purl);
    const concluded = spdxExpression(pkg.licence) ?? spdxExpression(pkg.declared);
    const component: SbomComponent & { hasCpe: boolean; declaresLicence: boolean; hasSupplier: boolean; primary: boolean } = {
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
      primary: pkg.spdxId !== null && described.has(pkg.spdxId),
    };
    return component;
  });
  const primary = entries.find((entry) => entry.primary) ?? null;
  const components = entries.filter((entry) => !entry.primary);
  const stats = sbomStatistics(components);
  const createdAt = isoDate(doc.created);
  const tool = doc.creators.find((creator) => creator.startsWith('Tool:'))?.slice(5).trim() ?? null;
  return {
    kind: 'sbom',
    mediaType,
    facts: {
      format: 'spdx',
      specVersion: doc.spdxVersion.slice(5),
      componentCount: stats.componentCount,
      primaryComponent: primary ? { name: primary.name, version: primary.version, purl: primary.purl } : null,
      share: sharesOf(stats),
      hasDependencyGraph: doc.relationships.some((r) => r.type !== null && GRAPH_RELATIONSHIPS.has(r.type)),
      createdAt,
      tool,
    },
    validUntil: createdAt ? new Date(Date.parse(createdAt) + sbomMaxAgeDays * 86_400_000).toISOString() : null,
    components: components.map(({ hasCpe: _c, declaresLicence: _l, hasSupplier: _s, primary: _p, ...component }) => component),
  };
}

/** SPDX 2.x JSON. */
export function parseSpdxJson(document: Record<string, unknown>, sbomMaxAgeDays: number): ParsedEvidence {
  const creation = isRecord(document['creationInfo']) ? document['creationInfo'] : {};
  const packages = asArray(document['packages']).filter(isRecord);
  if (packages.length > MAX_COMPONENTS) throw new EvidenceParseError(`more than ${MAX_COMPONENTS} packages`);
  return toParsed(
    {
      spdxVersion: text(document['spdxVersion'], 20),
      created: text(creation['created'], 64),
      creators: asArray(creation['creators']).map((c) => text(c, 300)).filter((c): c is string => c !== null),
      describes: asArray(document['documentDescribes']).map((d) => text(d, 300)).filter((d): d is string => d !== null),
      packages: packages.map((pkg) => {
        const refs = asArray(pkg['externalRefs']).filter(isRecord);
        const purlRef = refs.find((ref) => ref['referenceType'] === 'purl');
        return {
          spdxId: text(pkg['SPDXID'], 300),
          name: text(pkg['name'], 512),
          version: text(pkg['versionInfo'], 256),
          purl: purlRef ? text(purlRef['referenceLocator'], 2048) : null,
          cpe: refs.some((ref) => typeof ref['referenceType'] === 'string' && ref['referenceType'].startsWith('cpe')),
          checksums: asArray(pkg['checksums']).filter(isRecord).map((c) => ({ alg: c['algorithm'], value: c['checksumValue'] })),
          licence: pkg['licenseConcluded'],
          declared: pkg['licenseDeclared'],
          supplier: text(pkg['supplier'], 300),
        };
      }),
      relationships: asArray(document['relationships']).filter(isRecord).map((r) => ({
        from: text(r['spdxElementId'], 300),
        type: text(r['relationshipType'], 64),
        to: text(r['relatedSpdxElement'], 300),
      })),
    },
    'application/spdx+json',
    sbomMaxAgeDays,
  );
}

/** SPDX 2.x tag-value: `Tag: value` lines, `<text>…</text>` blocks; each `PackageName` opens a package. */
export function parseSpdxTagValue(source: string, sbomMaxAgeDays: number): ParsedEvidence {
  const doc: SpdxDocument = { spdxVersion: null, created: null, creators: [], describes: [], packages: [], relationships: [] };
  let current: SpdxDocument['packages'][number] | null = null;
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
        doc.spdxVersion = value;
        break;
      case 'Created':
        doc.created = value;
        break;
      case 'Creator':
        doc.creators.push(value);
        break;
      case 'DocumentDescribes':
        doc.describes.push(...value.split(',').map((part) => part.trim()));
        break;
      case 'PackageName':
        if (doc.packages.length >= MAX_COMPONENTS) throw new EvidenceParseError(`more than ${MAX_COMPONENTS} packages`);
        current = { spdxId: null, name: text(value, 512), version: null, purl: null, cpe: false, checksums: [], licence: null, declared: null, supplier: null };
        doc.packages.push(current);
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
        const [from, type, to] = value.split(/\s+/);
        doc.relationships.push({ from: from ?? null, type: type ?? null, to: to ?? null });
        break;
      }
      default:
        break;
    }
  }
  return toParsed(doc, 'text/spdx', sbomMaxAgeDays);
}
