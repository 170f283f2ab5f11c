import type { SbomComponent } from '../components/components.repository';
import type { EvidenceKind } from '../evidence/evidence-kinds.constant';

/** What a parser extracted from a document. */
export interface ParsedEvidence {
  kind: EvidenceKind;
  mediaType: string;
  facts: Record<string, unknown>;
  validUntil: string | null;
  components?: SbomComponent[];
}

/** Content that is recognised but cannot be accepted (malformed, hostile, unsupported version): ends as `failed`. */
export class EvidenceParseError extends Error {}

/** Content of a type Assay does not take as evidence: ends as `rejected`. */
export class UnsupportedEvidenceError extends Error {}

export const MAX_COMPONENTS = 200_000;
const MAX_TEXT = 1_000;

/** A string field from untrusted input, trimmed to a sane length; anything else is null. */
export function text(value: unknown, max = MAX_TEXT): string | null {
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return trimmed.length === 0 ? null : trimmed.slice(0, max);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** Instants of years 0001–9999: what ISO 8601 writes without a sign and Postgres stores (it has no year 0). */
const FIRST_INSTANT = Date.parse('0001-01-01T00:00:00.000Z');
const LAST_INSTANT = Date.parse('9999-12-31T23:59:59.999Z');

function instant(time: number): string | null {
  return Number.isFinite(time) && time >= FIRST_INSTANT && time <= LAST_INSTANT ? new Date(time).toISOString() : null;
}

/** A date from untrusted input as an ISO instant; null when unreadable or outside years 0001–9999. */
export function isoDate(value: unknown): string | null {
  const raw = text(value, 64);
  return raw ? instant(Date.parse(raw)) : null;
}

/** The instant `days` after an ISO instant; null without one, or past year 9999. */
export function daysAfter(iso: string | null, days: number): string | null {
  return iso ? instant(Date.parse(iso) + days * 86_400_000) : null;
}

/** Decodes UTF-8 strictly (invalid sequences are refused). */
export function decodeUtf8(content: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(content);
  } catch {
    throw new EvidenceParseError('the document is not valid UTF-8');
  }
}
