import { asArray, isRecord, text } from '../parsing/parse-result';
import { normalisePurl } from '../parsing/sbom-components';
import type { RangeStatus } from './version-ranges';

/*
 * The statements of a supplier's VEX evidence (OpenVEX, CycloneDX VEX in JSON or XML), read for matching:
 * which vulnerability, which package (by purl), which status, and the statement as the supplier
 * wrote it. Evidence parsing only counts statements; matching needs them one by one.
 */

export const MAX_VEX_STATEMENTS = 10_000;

export interface VexStatement {
  /** The vulnerability id and its aliases (CVE-…, GHSA-…). */
  vulnerabilities: string[];
  purl: string;
  purlBase: string;
  status: RangeStatus;
  /** The statement as written (status, justification, impact and action statements, detail). */
  statement: Record<string, unknown>;
}

const CYCLONEDX_STATES: Readonly<Record<string, RangeStatus>> = {
  resolved: 'fixed',
  resolved_with_pedigree: 'fixed',
  exploitable: 'affected',
  in_triage: 'under_investigation',
  false_positive: 'not_affected',
  not_affected: 'not_affected',
};
const OPENVEX_STATUSES: readonly RangeStatus[] = ['not_affected', 'affected', 'fixed', 'under_investigation'];

function ids(values: unknown[]): string[] {
  return values.map((value) => text(value, 200)?.toUpperCase() ?? null).filter((value): value is string => value !== null);
}

function purlsOf(product: unknown): string[] {
  if (typeof product === 'string') return [product];
  if (!isRecord(product)) return [];
  const subcomponents = asArray(product['subcomponents'])
    .map((component) => (isRecord(component) ? component['@id'] : component))
    .filter((value): value is string => typeof value === 'string');
  if (subcomponents.length > 0) return subcomponents;
  const identifiers = isRecord(product['identifiers']) ? product['identifiers']['purl'] : undefined;
  return [product['@id'], identifiers].filter((value): value is string => typeof value === 'string');
}

function withPurl(raw: string, base: Omit<VexStatement, 'purl' | 'purlBase'>): VexStatement | null {
  const { purl, purlBase } = normalisePurl(raw);
  return purl && purlBase ? { ...base, purl, purlBase } : null;
}

/** OpenVEX: `statements[]` of `vulnerability` (a name or `{ name, aliases }`), `products`, `status`. */
function openVex(document: Record<string, unknown>): VexStatement[] {
  const found: VexStatement[] = [];
  for (const raw of asArray(document['statements']).slice(0, MAX_VEX_STATEMENTS)) {
    if (!isRecord(raw)) continue;
    const status = text(raw['status'], 40) as RangeStatus | null;
    if (!status || !OPENVEX_STATUSES.includes(status)) continue;
    const vulnerability = raw['vulnerability'];
    const vulnerabilities = isRecord(vulnerability)
      ? ids([vulnerability['name'], vulnerability['@id'], ...asArray(vulnerability['aliases'])])
      : ids([vulnerability]);
    const statement: Record<string, unknown> = { status };
    for (const key of ['justification', 'impact_statement', 'action_statement', 'status_notes']) {
      const value = text(raw[key], 2000);
      if (value) statement[key] = value;
    }
    for (const product of asArray(raw['products']).slice(0, 1000)) {
      for (const purl of purlsOf(product)) {
        const read = withPurl(purl, { vulnerabilities, status, statement });
        if (read) found.push(read);
      }
    }
  }
  return found;
}

/**
 * The bom-ref an `affects` entry names: the ref itself, or the fragment of a BOM-Link
 * (`urn:cdx:<serial>/<version>#<bom-ref>`, how a VEX names a component of the SBOM it speaks about).
 */
function bomRef(ref: string | null): string | null {
  if (!ref?.startsWith('urn:cdx:')) return ref;
  const fragment = ref.slice(ref.indexOf('#') + 1);
  if (!ref.includes('#') || !fragment) return null;
  try {
    return decodeURIComponent(fragment);
  } catch {
    return null;
  }
}

/** CycloneDX VEX: `vulnerabilities[]` with `analysis.state` and `affects[].ref` naming components (or a purl) of the document. */
function cycloneDxVex(document: Record<string, unknown>): VexStatement[] {
  const refs = new Map<string, string>();
  const metadata = isRecord(document['metadata']) ? document['metadata'] : {};
  for (const component of [metadata['component'], ...asArray(document['components'])].slice(0, MAX_VEX_STATEMENTS)) {
    if (!isRecord(component)) continue;
    const ref = text(component['bom-ref'], 1000);
    const purl = text(component['purl'], 2048);
    if (ref && purl) refs.set(ref, purl);
  }
  const found: VexStatement[] = [];
  for (const raw of asArray(document['vulnerabilities']).slice(0, MAX_VEX_STATEMENTS)) {
    if (!isRecord(raw)) continue;
    const analysis = isRecord(raw['analysis']) ? raw['analysis'] : {};
    const status = CYCLONEDX_STATES[text(analysis['state'], 40) ?? ''];
    if (!status) continue;
    const vulnerabilities = ids([raw['id'], ...asArray(raw['references']).map((reference) => (isRecord(reference) ? reference['id'] : null))]);
    const statement: Record<string, unknown> = { status, state: analysis['state'] };
    for (const key of ['justification', 'detail']) {
      const value = text(analysis[key], 2000);
      if (value) statement[key] = value;
    }
    for (const affect of asArray(raw['affects']).slice(0, 1000)) {
      const ref = isRecord(affect) ? bomRef(text(affect['ref'], 2048)) : null;
      const purl = ref ? (refs.get(ref) ?? (ref.startsWith('pkg:') ? ref : null)) : null;
      const read = purl ? withPurl(purl, { vulnerabilities, status, statement }) : null;
      if (read) found.push(read);
    }
  }
  return found;
}

/** The distinct (normalised) purls of the products a VEX document speaks about, at most `limit`. */
export function vexProductPurls(document: Record<string, unknown>, limit: number): string[] {
  const purls = new Set<string>();
  for (const statement of vexStatements(document)) {
    if (purls.size >= limit) break;
    purls.add(statement.purl);
  }
  return [...purls].sort();
}

/** The statements of a VEX document, by format; none for a document of another shape. */
export function vexStatements(document: Record<string, unknown>): VexStatement[] {
  if (Array.isArray(document['statements'])) return openVex(document);
  if (document['bomFormat'] === 'CycloneDX') return cycloneDxVex(document);
  return [];
}
