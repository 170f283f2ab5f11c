import { PackageURL } from 'packageurl-js';
import parseSpdxExpression from 'spdx-expression-parse';
import type { SbomComponent } from '../components/components.repository';
import { text } from './parse-result';

/** A purl in canonical form and without its version; null parts when the purl is not valid. */
export function normalisePurl(raw: unknown): { purl: string | null; purlBase: string | null } {
  const value = text(raw, 2048);
  if (!value) return { purl: null, purlBase: null };
  try {
    const parsed = PackageURL.fromString(value);
    const base = new PackageURL(parsed.type, parsed.namespace, parsed.name, undefined, undefined, undefined);
    return { purl: parsed.toString(), purlBase: base.toString() };
  } catch {
    return { purl: null, purlBase: null };
  }
}

/** A licence as a valid SPDX expression, or null (NOASSERTION, NONE and free text are not expressions). */
export function spdxExpression(raw: unknown): string | null {
  const value = text(raw, 1000);
  if (!value || value === 'NOASSERTION' || value === 'NONE') return null;
  try {
    parseSpdxExpression(value);
    return value;
  } catch {
    return null;
  }
}

const HASH_ALGORITHMS = /^(MD5|SHA-?1|SHA-?(224|256|384|512)|SHA3-(256|384|512)|BLAKE2b-(256|384|512)|BLAKE3)$/i;
const HEX = /^[0-9a-f]{16,128}$/i;

/** Cryptographic hashes as `{ "SHA-256": "…" }`, keeping only well-formed ones. */
export function hashesOf(entries: { alg: unknown; value: unknown }[]): Record<string, string> {
  const hashes: Record<string, string> = {};
  for (const entry of entries) {
    const alg = text(entry.alg, 32);
    const value = text(entry.value, 128);
    if (alg && value && HASH_ALGORITHMS.test(alg) && HEX.test(value)) hashes[alg.toUpperCase().replace(/^SHA(\d)/, 'SHA-$1')] = value.toLowerCase();
  }
  return hashes;
}

export interface SbomStatistics {
  componentCount: number;
  withIdentifier: number;
  withPurl: number;
  withHashes: number;
  withLicences: number;
  withSupplier: number;
}

export function share(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part / whole) * 1000) / 1000;
}

/** The `share` fact: what part of the components carry each kind of information. */
export function sharesOf(stats: SbomStatistics): Record<string, number> {
  return {
    purl: share(stats.withPurl, stats.componentCount),
    identifiers: share(stats.withIdentifier, stats.componentCount),
    hashes: share(stats.withHashes, stats.componentCount),
    licences: share(stats.withLicences, stats.componentCount),
    supplier: share(stats.withSupplier, stats.componentCount),
  };
}

/** Shares the SBOM checks and facts use. */
export function sbomStatistics(components: (SbomComponent & { hasCpe: boolean; declaresLicence: boolean; hasSupplier: boolean })[]): SbomStatistics {
  let withIdentifier = 0;
  let withPurl = 0;
  let withHashes = 0;
  let withLicences = 0;
  let withSupplier = 0;
  for (const component of components) {
    if (component.purl) withPurl += 1;
    if (component.purl || component.hasCpe) withIdentifier += 1;
    if (Object.keys(component.hashes).length > 0) withHashes += 1;
    if (component.declaresLicence) withLicences += 1;
    if (component.hasSupplier) withSupplier += 1;
  }
  return { componentCount: components.length, withIdentifier, withPurl, withHashes, withLicences, withSupplier };
}
