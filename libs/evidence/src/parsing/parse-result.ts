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

/** Decodes UTF-8 strictly (invalid sequences are refused). */
export function decodeUtf8(content: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(content);
  } catch {
    throw new EvidenceParseError('the document is not valid UTF-8');
  }
}

/**
 * Signed evidence whose signature does not verify (forged, tampered, wrong chain, wrong log proof):
 * ends as `failed` with the reason, keeping what was read (`signatureVerified: false`) for the record.
 */
export class SignatureVerificationError extends EvidenceParseError {
  constructor(
    message: string,
    readonly parsed: ParsedEvidence,
  ) {
    super(message);
  }
}
