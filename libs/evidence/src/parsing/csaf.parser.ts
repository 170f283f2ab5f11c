import { rfc3339DateTime } from './dates';
import { EvidenceParseError, ParsedEvidence, asArray, isRecord, text } from './parse-result';

/*
 * CSAF 2.0 (OASIS Common Security Advisory Framework): a JSON document whose `document` names the
 * CSAF version, category, publisher and tracking information, with a `product_tree` of the products
 * it speaks about and its `vulnerabilities`. Read for its facts; its signature (a detached .asc)
 * and the checks on it are separate.
 */

const STATUSES = ['draft', 'interim', 'final'];
const MAX_CVES = 1_000;

/** Whether a JSON document is CSAF (any version: an unsupported one is then refused with its reason). */
export function isCsaf(document: Record<string, unknown>): boolean {
  return isRecord(document['document']) && typeof document['document']['csaf_version'] === 'string';
}

/** The distinct product ids of a product tree: its branches (walked iteratively), full product names and relationships. */
/**
 * Visits every product of a CSAF product tree: those in its branches (walked without recursion, at
 * most 100,000 branches), its full product names and the products its relationships name.
 */
export function forEachCsafProduct(tree: unknown, visit: (product: unknown, branch?: Record<string, unknown>) => void): void {
  if (!isRecord(tree)) return;
  const pending: unknown[] = [...asArray(tree['branches'])];
  for (let visited = 0; pending.length > 0 && visited < 100_000; visited += 1) {
    const branch = pending.pop();
    if (!isRecord(branch)) continue;
    visit(branch['product'], branch);
    pending.push(...asArray(branch['branches']));
  }
  for (const product of asArray(tree['full_product_names'])) visit(product);
  for (const relationship of asArray(tree['relationships'])) if (isRecord(relationship)) visit(relationship['full_product_name']);
}

function productIds(tree: unknown): Set<string> {
  const ids = new Set<string>();
  forEachCsafProduct(tree, (product) => {
    const id = isRecord(product) ? text(product['product_id'], 1000) : null;
    if (id !== null) ids.add(id);
  });
  return ids;
}

/** A CSAF 2.0 advisory: kind `advisory`. */
export function parseCsaf(document: Record<string, unknown>): ParsedEvidence {
  const meta = isRecord(document['document']) ? document['document'] : {};
  const version = text(meta['csaf_version'], 20);
  if (version !== '2.0') throw new EvidenceParseError(`CSAF version ${version ?? '(missing)'} is not supported (2.0)`);
  const publisher = isRecord(meta['publisher']) ? meta['publisher'] : {};
  const tracking = isRecord(meta['tracking']) ? meta['tracking'] : {};
  const trackingId = text(tracking['id'], 300);
  if (trackingId === null) throw new EvidenceParseError('CSAF document.tracking.id is missing');
  const status = text(tracking['status'], 20);
  const cves = new Set<string>();
  for (const vulnerability of asArray(document['vulnerabilities'])) {
    const cve = isRecord(vulnerability) ? text(vulnerability['cve'], 50) : null;
    if (cve !== null && /^CVE-\d{4}-\d{4,}$/.test(cve) && cves.size < MAX_CVES) cves.add(cve);
  }
  return {
    kind: 'advisory',
    mediaType: 'application/csaf+json',
    facts: {
      format: 'csaf',
      csafVersion: version,
      category: text(meta['category'], 200),
      title: text(meta['title'], 500),
      publisher: text(publisher['name'], 300),
      publisherNamespace: text(publisher['namespace'], 500),
      trackingId,
      status: status !== null && STATUSES.includes(status) ? status : null,
      trackingVersion: text(tracking['version'], 50),
      initialReleaseDate: rfc3339DateTime(tracking['initial_release_date'], 'document.tracking.initial_release_date'),
      currentReleaseDate: rfc3339DateTime(tracking['current_release_date'], 'document.tracking.current_release_date'),
      cves: [...cves].sort(),
      vulnerabilityCount: asArray(document['vulnerabilities']).length,
      productCount: productIds(document['product_tree']).size,
    },
    validUntil: null,
  };
}
