import { PackageURL } from 'packageurl-js';
import { EvidenceParseError, asArray, isRecord, text } from '../parsing/parse-result';
import { forEachCsafProduct } from '../parsing/csaf.parser';
import { normalisePurl } from '../parsing/sbom-components';

/*
 * Advisory documents: OSV records (one, or a JSON array of them), CSAF 2.0 documents and the CISA
 * Known Exploited Vulnerabilities catalogue. Each is read into the same shape: advisories with the
 * packages they name (a purl without version, or an ecosystem and name when no purl can be formed)
 * and the ranges or versions those packages are affected in. Everything is untrusted: lists are
 * capped, and what cannot be used is kept with a reason instead of failing the whole document.
 */

export const ADVISORY_SOURCES = ['osv', 'csaf'] as const;
export type AdvisorySource = (typeof ADVISORY_SOURCES)[number];
export type AdvisoryFormat = AdvisorySource | 'kev';

/** Caps on untrusted lists (an advisory naming more is kept, with the rest dropped and a reason noted). */
export const MAX_RECORDS = 50_000;
export const MAX_PACKAGES = 500;
export const MAX_RANGES = 50;
export const MAX_EVENTS = 200;
export const MAX_VERSIONS = 2_000;
export const MAX_KEV_ENTRIES = 20_000;

export interface AdvisoryRangeEvent {
  introduced?: string;
  fixed?: string;
  last_affected?: string;
  limit?: string;
}

/** An OSV range (ECOSYSTEM, SEMVER or GIT), or a `vers` range from a CSAF purl. */
export interface AdvisoryRange {
  type: string;
  events?: AdvisoryRangeEvent[];
  vers?: string;
}

export interface AffectedPackage {
  /** The purl without version, when one can be formed (the key matching uses). */
  purl: string | null;
  ecosystem: string | null;
  name: string | null;
  ranges: AdvisoryRange[];
  /** Versions named one by one (OSV `versions`, CSAF product purls with a version). */
  versions: string[];
  /** CSAF: the advisory's own status for the product (`affected`, `fixed`, `not_affected`, `under_investigation`). */
  status?: string;
  /** Why the package cannot be matched (an unknown ecosystem, a list cut short), kept for the reader. */
  reason?: string;
}

export interface ParsedAdvisory {
  source: AdvisorySource;
  externalId: string;
  externalIds: string[];
  summary: string | null;
  severity: string | null;
  published: string | null;
  modified: string;
  affected: AffectedPackage[];
  /** Reasons parts of the advisory were dropped. */
  notes: string[];
}

export interface KevEntry {
  cve: string;
  dateAdded: string | null;
  dueDate: string | null;
  name: string | null;
  knownRansomwareCampaignUse: string | null;
}

export interface ParsedAdvisoryDocument {
  format: AdvisoryFormat;
  advisories: ParsedAdvisory[];
  kev: KevEntry[];
  /** Records that could not be read, each with its reason (the rest of the document is still taken). */
  rejected: { ref: string; reason: string }[];
}

const CVE = /^CVE-\d{4}-\d{4,}$/;
const ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$/;

/** OSV ecosystems and the purl type they map to (the namespace/name split is done per type below). */
const OSV_PURL_TYPES: Readonly<Record<string, string>> = {
  npm: 'npm',
  PyPI: 'pypi',
  Maven: 'maven',
  Go: 'golang',
  NuGet: 'nuget',
  RubyGems: 'gem',
  'crates.io': 'cargo',
  Packagist: 'composer',
  Hex: 'hex',
  Pub: 'pub',
  Debian: 'deb',
  Ubuntu: 'deb',
  'Red Hat': 'rpm',
  AlmaLinux: 'rpm',
  'Rocky Linux': 'rpm',
  SUSE: 'rpm',
  openSUSE: 'rpm',
  Alpine: 'apk',
};

/** The distribution a purl names for OS ecosystems (namespace of deb/rpm/apk purls). */
const OS_NAMESPACES: Readonly<Record<string, string>> = {
  Debian: 'debian',
  Ubuntu: 'ubuntu',
  'Red Hat': 'redhat',
  AlmaLinux: 'almalinux',
  'Rocky Linux': 'rocky-linux',
  SUSE: 'suse',
  openSUSE: 'opensuse',
  Alpine: 'alpine',
};

/** The versionless purl of an OSV package, or null when its ecosystem has no purl form Assay knows. */
export function osvPackagePurl(ecosystem: string, name: string): string | null {
  // "Debian:12", "Alpine:v3.18": the release after the colon does not change the package's purl.
  const family = ecosystem.split(':')[0] ?? ecosystem;
  const type = OSV_PURL_TYPES[family];
  if (!type) return null;
  let namespace: string | undefined;
  let packageName = name;
  if (type === 'maven') {
    const [group, artifact, ...rest] = name.split(':');
    if (!group || !artifact || rest.length > 0) return null;
    namespace = group;
    packageName = artifact;
  } else if (type === 'npm' && name.startsWith('@')) {
    const slash = name.indexOf('/');
    if (slash < 0) return null;
    namespace = name.slice(0, slash);
    packageName = name.slice(slash + 1);
  } else if (type === 'golang' || type === 'composer') {
    const slash = name.lastIndexOf('/');
    if (slash > 0) {
      namespace = name.slice(0, slash);
      packageName = name.slice(slash + 1);
    }
  } else if (type === 'pypi') {
    // PEP 503 normalised name, as the purl spec asks.
    packageName = name.toLowerCase().replace(/[-_.]+/g, '-');
  } else if (OS_NAMESPACES[family]) {
    namespace = OS_NAMESPACES[family];
  }
  try {
    return normalisePurl(new PackageURL(type, namespace, packageName, undefined, undefined, undefined).toString()).purlBase;
  } catch {
    return null;
  }
}

function timestamp(value: unknown): string | null {
  const raw = text(value, 64);
  if (!raw) return null;
  const parsed = Date.parse(raw);
  return Number.isNaN(parsed) ? null : new Date(parsed).toISOString();
}

function versionText(value: unknown): string | null {
  const raw = text(value, 256);
  // Control characters never belong in a version; refusing them keeps stored text printable.
  return raw !== null && ![...raw].some((character) => character.charCodeAt(0) < 0x20 || character.charCodeAt(0) === 0x7f) ? raw : null;
}

function rangesOf(raw: unknown, notes: string[], ref: string): AdvisoryRange[] {
  const ranges: AdvisoryRange[] = [];
  const list = asArray(raw);
  if (list.length > MAX_RANGES) notes.push(`${ref}: ${list.length} ranges, only the first ${MAX_RANGES} kept`);
  for (const range of list.slice(0, MAX_RANGES)) {
    if (!isRecord(range)) continue;
    const type = text(range['type'], 20);
    if (type !== 'ECOSYSTEM' && type !== 'SEMVER' && type !== 'GIT') {
      notes.push(`${ref}: range type ${type ?? '(missing)'} is not known`);
      continue;
    }
    const events: AdvisoryRangeEvent[] = [];
    const rawEvents = asArray(range['events']);
    if (rawEvents.length > MAX_EVENTS) notes.push(`${ref}: ${rawEvents.length} range events, only the first ${MAX_EVENTS} kept`);
    for (const event of rawEvents.slice(0, MAX_EVENTS)) {
      if (!isRecord(event)) continue;
      for (const key of ['introduced', 'fixed', 'last_affected', 'limit'] as const) {
        const value = versionText(event[key]);
        if (value !== null) {
          events.push({ [key]: value });
          break;
        }
      }
    }
    ranges.push({ type, events });
  }
  return ranges;
}

function versionsOf(raw: unknown, notes: string[], ref: string): string[] {
  const list = asArray(raw);
  if (list.length > MAX_VERSIONS) notes.push(`${ref}: ${list.length} versions, only the first ${MAX_VERSIONS} kept`);
  return list
    .slice(0, MAX_VERSIONS)
    .map(versionText)
    .filter((version): version is string => version !== null);
}

/** One OSV record (https://ossf.github.io/osv-schema/). */
export function parseOsvRecord(record: Record<string, unknown>): ParsedAdvisory {
  const id = text(record['id'], 200);
  if (!id || !ID.test(id)) throw new EvidenceParseError('an OSV record needs an id');
  const modified = timestamp(record['modified']);
  if (!modified) throw new EvidenceParseError(`OSV record ${id} needs a valid "modified" time`);
  const notes: string[] = [];
  const aliases = asArray(record['aliases'])
    .map((alias) => text(alias, 200))
    .filter((alias): alias is string => alias !== null && ID.test(alias))
    .slice(0, 100);
  const affected: AffectedPackage[] = [];
  const packages = asArray(record['affected']);
  if (packages.length > MAX_PACKAGES) notes.push(`${packages.length} affected packages, only the first ${MAX_PACKAGES} kept`);
  for (const [index, entry] of packages.slice(0, MAX_PACKAGES).entries()) {
    if (!isRecord(entry)) continue;
    const pkg = isRecord(entry['package']) ? entry['package'] : {};
    const ecosystem = text(pkg['ecosystem'], 100);
    const name = text(pkg['name'], 500);
    const ref = `affected[${index}]`;
    const givenPurl = normalisePurl(pkg['purl']).purlBase;
    const purl = givenPurl ?? (ecosystem && name ? osvPackagePurl(ecosystem, name) : null);
    const item: AffectedPackage = {
      purl,
      ecosystem,
      name,
      ranges: rangesOf(entry['ranges'], notes, ref),
      versions: versionsOf(entry['versions'], notes, ref),
    };
    if (!purl) item.reason = ecosystem && name ? `ecosystem ${ecosystem} is not one Assay can match` : 'the package names no ecosystem and name';
    affected.push(item);
  }
  const severity = severityOf(record);
  return {
    source: 'osv',
    externalId: id,
    externalIds: [...new Set([id, ...aliases])],
    summary: text(record['summary'], 1000) ?? text(record['details'], 1000),
    severity,
    published: timestamp(record['published']),
    modified,
    affected,
    notes,
  };
}

/** The record's severity: GitHub's label when present, else the first CVSS vector. */
function severityOf(record: Record<string, unknown>): string | null {
  const specific = isRecord(record['database_specific']) ? text(record['database_specific']['severity'], 20) : null;
  if (specific) return specific.toLowerCase();
  for (const entry of asArray(record['severity'])) {
    if (isRecord(entry)) {
      const score = text(entry['score'], 200);
      if (score) return score;
    }
  }
  return null;
}

/** Products of a CSAF product tree that carry a purl: product id → purl (with version when given). */
/**
 * The purl of each CSAF product that has one, with the `vers:` range of the `product_version_range`
 * branch it sits on (CSAF 2.0 names a range of versions by the branch, the purl naming the package).
 */
function csafProductPurls(tree: unknown): Map<string, { purl: string; vers: string | null }> {
  const purls = new Map<string, { purl: string; vers: string | null }>();
  forEachCsafProduct(tree, (product, branch) => {
    if (!isRecord(product) || purls.size >= MAX_VERSIONS) return;
    const id = text(product['product_id'], 1000);
    const helper = isRecord(product['product_identification_helper']) ? product['product_identification_helper'] : null;
    const purl = helper ? text(helper['purl'], 2048) : null;
    const range = branch?.['category'] === 'product_version_range' ? text(branch['name'], 2048) : null;
    if (id && purl) purls.set(id, { purl, vers: range?.startsWith('vers:') ? range : null });
  });
  return purls;
}

const CSAF_STATUSES: readonly [string, string][] = [
  ['known_affected', 'affected'],
  ['first_affected', 'affected'],
  ['last_affected', 'affected'],
  ['fixed', 'fixed'],
  ['first_fixed', 'fixed'],
  ['known_not_affected', 'not_affected'],
  ['under_investigation', 'under_investigation'],
];

/** A CSAF 2.0 document: one advisory, its packages the products that carry a purl, with the document's own status for each. */
export function parseCsafDocument(document: Record<string, unknown>): ParsedAdvisory {
  const meta = isRecord(document['document']) ? document['document'] : {};
  const version = text(meta['csaf_version'], 20);
  if (version !== '2.0') throw new EvidenceParseError(`CSAF version ${version ?? '(missing)'} is not supported (2.0)`);
  const tracking = isRecord(meta['tracking']) ? meta['tracking'] : {};
  const id = text(tracking['id'], 200);
  if (!id) throw new EvidenceParseError('CSAF document.tracking.id is missing');
  const modified = timestamp(tracking['current_release_date']);
  if (!modified) throw new EvidenceParseError(`CSAF ${id} needs a valid tracking.current_release_date`);
  const notes: string[] = [];
  const purls = csafProductPurls(document['product_tree']);
  const cves = new Set<string>();
  const affected = new Map<string, AffectedPackage>();
  let severity: string | null = null;
  for (const vulnerability of asArray(document['vulnerabilities']).slice(0, MAX_PACKAGES)) {
    if (!isRecord(vulnerability)) continue;
    const cve = text(vulnerability['cve'], 50);
    if (cve && CVE.test(cve)) cves.add(cve);
    for (const score of asArray(vulnerability['scores'])) {
      const cvss = isRecord(score) && isRecord(score['cvss_v3']) ? text(score['cvss_v3']['baseSeverity'], 20) : null;
      if (cvss && !severity) severity = cvss.toLowerCase();
    }
    const statuses = isRecord(vulnerability['product_status']) ? vulnerability['product_status'] : {};
    for (const [field, status] of CSAF_STATUSES) {
      for (const productId of asArray(statuses[field]).slice(0, MAX_VERSIONS)) {
        const product = purls.get(String(productId));
        if (!product) continue;
        const { purl, purlBase } = normalisePurl(product.purl);
        if (!purl || !purlBase) continue;
        const versionOf = PackageURL.fromString(purl).version;
        const key = `${purlBase} ${status}`;
        const entry = affected.get(key) ?? { purl: purlBase, ecosystem: null, name: null, ranges: [], versions: [], status };
        // A `vers:` range (in the purl's version, the CSAF 2.1 way, or naming the product's
        // product_version_range branch) covers versions; any other version is one version.
        const vers = versionOf?.startsWith('vers:') ? versionOf : product.vers;
        if (vers) {
          if (!entry.ranges.some((range) => range.vers === vers)) entry.ranges.push({ type: 'VERS', vers: vers.slice(0, 2048) });
        } else if (versionOf && !entry.versions.includes(versionOf)) entry.versions.push(versionOf);
        affected.set(key, entry);
      }
    }
  }
  if (purls.size === 0) notes.push('no product carries a purl: the advisory names no package Assay can match');
  const title = text(meta['title'], 1000);
  return {
    source: 'csaf',
    externalId: id,
    externalIds: [...new Set([id, ...cves])],
    summary: title,
    severity,
    published: timestamp(tracking['initial_release_date']),
    modified,
    affected: [...affected.values()].slice(0, MAX_PACKAGES),
    notes,
  };
}

/** The CISA KEV catalogue: the CVEs known to be exploited. */
export function parseKevCatalogue(document: Record<string, unknown>): KevEntry[] {
  const entries: KevEntry[] = [];
  for (const raw of asArray(document['vulnerabilities']).slice(0, MAX_KEV_ENTRIES)) {
    if (!isRecord(raw)) continue;
    const cve = text(raw['cveID'], 50)?.toUpperCase();
    if (!cve || !CVE.test(cve)) continue;
    entries.push({
      cve,
      dateAdded: text(raw['dateAdded'], 20),
      dueDate: text(raw['dueDate'], 20),
      name: text(raw['vulnerabilityName'], 500),
      knownRansomwareCampaignUse: text(raw['knownRansomwareCampaignUse'], 20),
    });
  }
  return entries;
}

function isKev(document: Record<string, unknown>): boolean {
  return Array.isArray(document['vulnerabilities']) && typeof document['catalogVersion'] === 'string';
}

/** Whether a JSON value has the shape of an advisory document (checked at intake; the worker reads it in full). */
export function looksLikeAdvisoryDocument(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0 && value.every((item) => isRecord(item) && 'id' in item && 'modified' in item);
  if (!isRecord(value)) return false;
  return (isRecord(value['document']) && 'csaf_version' in value['document']) || isKev(value) || ('id' in value && 'modified' in value);
}

/**
 * An advisory document, recognised by its shape: a CSAF document (`document.csaf_version`), the KEV
 * catalogue (`catalogVersion` and `vulnerabilities`), an OSV record (`id` and `modified`) or a list
 * of OSV records (`records`, which is how a top-level JSON array arrives here).
 */
export function parseAdvisoryDocument(document: Record<string, unknown>): ParsedAdvisoryDocument {
  if (isRecord(document['document']) && typeof document['document']['csaf_version'] === 'string') {
    return { format: 'csaf', advisories: [parseCsafDocument(document)], kev: [], rejected: [] };
  }
  if (isKev(document)) {
    const kev = parseKevCatalogue(document);
    if (kev.length === 0) throw new EvidenceParseError('the KEV catalogue lists no valid CVE');
    return { format: 'kev', advisories: [], kev, rejected: [] };
  }
  const records = Array.isArray(document['records']) ? document['records'] : 'id' in document && 'modified' in document ? [document] : null;
  if (!records)
    throw new EvidenceParseError('not an advisory: expected an OSV record (or a JSON array of them), a CSAF 2.0 document or the CISA KEV catalogue');
  if (records.length > MAX_RECORDS) throw new EvidenceParseError(`${records.length} OSV records: at most ${MAX_RECORDS} in one document`);
  const advisories: ParsedAdvisory[] = [];
  const rejected: { ref: string; reason: string }[] = [];
  for (const [index, record] of records.entries()) {
    try {
      if (!isRecord(record)) throw new EvidenceParseError('not an object');
      advisories.push(parseOsvRecord(record));
    } catch (error) {
      if (!(error instanceof EvidenceParseError)) throw error;
      rejected.push({ ref: `records[${index}]`, reason: error.message });
    }
  }
  if (advisories.length === 0) throw new EvidenceParseError(`no readable OSV record: ${rejected[0]?.reason ?? 'the list is empty'}`);
  return { format: 'osv', advisories, kev: [], rejected };
}
