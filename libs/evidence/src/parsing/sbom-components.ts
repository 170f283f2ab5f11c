import { PackageURL } from 'packageurl-js';
import parseSpdxExpression from 'spdx-expression-parse';
import type { SbomComponent } from '../components/components.repository';
import { EvidenceParseError, MAX_COMPONENTS, text } from './parse-result';

const PURL_TYPE = /^[a-z][a-z0-9.-]*$/i;

/** A purl in canonical form and without its version; null parts when the purl is not valid. */
export function normalisePurl(raw: unknown): { purl: string | null; purlBase: string | null } {
  const value = text(raw, 2048);
  if (!value) return { purl: null, purlBase: null };
  try {
    const parsed = PackageURL.fromString(value);
    // A type of letters, digits, '.' and '-', starting with a letter: packageurl-js writes any other
    // (even the '+' the spec allows) percent-encoded, then misreads what it wrote.
    if (!PURL_TYPE.test(parsed.type)) return { purl: null, purlBase: null };
    const base = new PackageURL(parsed.type, parsed.namespace, parsed.name, undefined, undefined, undefined);
    return { purl: parsed.toString(), purlBase: base.toString() };
  } catch {
    return { purl: null, purlBase: null };
  }
}

const EXPRESSIONS = new Map<string, string | null>();
const EXPRESSION_CACHE_LIMIT = 10_000;

/** A licence as a valid SPDX expression, or null (NOASSERTION, NONE and free text are not expressions). */
export function spdxExpression(raw: unknown): string | null {
  const value = text(raw, 1000);
  if (!value || value === 'NOASSERTION' || value === 'NONE') return null;
  // An SBOM names the same few licences thousands of times: each is checked once.
  const known = EXPRESSIONS.get(value);
  if (known !== undefined) return known;
  let expression: string | null = null;
  try {
    parseSpdxExpression(value);
    expression = value;
  } catch {
    // not an expression
  }
  if (EXPRESSIONS.size >= EXPRESSION_CACHE_LIMIT) EXPRESSIONS.clear();
  EXPRESSIONS.set(value, expression);
  return expression;
}

const HASH_ALGORITHMS = /^(MD5|SHA-?1|SHA-?(224|256|384|512)|SHA3-(256|384|512)|BLAKE2b-(256|384|512)|BLAKE3)$/i;
const HEX = /^[0-9a-f]{16,128}$/i;

/** Cryptographic hashes as `{ "SHA-256": "…" }`, keeping only well-formed ones. */
export function hashesOf(entries: { alg: unknown; value: unknown }[]): Record<string, string> {
  const hashes: Record<string, string> = {};
  for (const entry of entries) {
    const alg = text(entry.alg, 32);
    const value = text(entry.value, 128);
    // SHA1 and SHA256 are named SHA-1 and SHA-256; SHA3-512 keeps its name.
    if (alg && value && HASH_ALGORITHMS.test(alg) && HEX.test(value)) hashes[alg.toUpperCase().replace(/^SHA(?=\d+$)/, 'SHA-')] = value.toLowerCase();
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

/** A component as a parser reads it, with what the statistics need to know about it. */
export interface SbomEntry extends SbomComponent {
  hasCpe: boolean;
  declaresLicence: boolean;
  hasSupplier: boolean;
}

/** Receives the components of an SBOM in batches, as they are parsed (the worker writes each batch). */
export type ComponentBatchHandler = (batch: SbomComponent[]) => Promise<void>;

/**
 * Components per batch handed to a ComponentBatchHandler: small enough that a batch rarely outlives a
 * young-generation collection (larger ones are promoted and grow the heap), large enough to write in
 * few round trips.
 */
export const COMPONENT_BATCH = 250;

/**
 * The components of one SBOM as a parser meets them: counted for the facts and checks, refused past
 * MAX_COMPONENTS, and either handed on in batches (so a large SBOM is never held whole) or, without
 * a handler, kept in memory.
 */
export class ComponentCollector {
  readonly stats: SbomStatistics = { componentCount: 0, withIdentifier: 0, withPurl: 0, withHashes: 0, withLicences: 0, withSupplier: 0 };
  private pending: SbomComponent[] = [];
  private readonly kept: SbomComponent[] | undefined;
  /** The batch being written while parsing goes on (at most one; its failure surfaces at the next flush). */
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly onBatch?: ComponentBatchHandler) {
    if (!onBatch) this.kept = [];
  }

  add({ hasCpe, declaresLicence, hasSupplier, ...component }: SbomEntry): void {
    const stats = this.stats;
    if (stats.componentCount >= MAX_COMPONENTS) throw new EvidenceParseError(`more than ${MAX_COMPONENTS} components`);
    stats.componentCount += 1;
    if (component.purl) stats.withPurl += 1;
    if (component.purl || hasCpe) stats.withIdentifier += 1;
    if (Object.keys(component.hashes).length > 0) stats.withHashes += 1;
    if (declaresLicence) stats.withLicences += 1;
    if (hasSupplier) stats.withSupplier += 1;
    (this.kept ?? this.pending).push(component);
  }

  /** A full batch is waiting for flush(). */
  get full(): boolean {
    return this.pending.length >= COMPONENT_BATCH;
  }

  /**
   * Hands the waiting components to the handler. The write overlaps the parsing of what follows
   * (the database and the parser work at once): this returns when the previous batch is written,
   * so at most two batches are held, and a failed write is thrown here or by drain().
   */
  async flush(): Promise<void> {
    const handler = this.onBatch;
    if (!handler || this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    const previous = this.writing;
    this.writing = previous.then(() => handler(batch));
    // Handled here so a failure is never an unhandled rejection; it is still thrown to whoever awaits it.
    this.writing.catch(() => undefined);
    await previous;
  }

  /** Hands on the last components and waits until every batch is written. */
  async drain(): Promise<void> {
    await this.flush();
    await this.writing;
  }

  /** Every component, when they were kept in memory (no handler). */
  get components(): SbomComponent[] | undefined {
    return this.kept;
  }
}
