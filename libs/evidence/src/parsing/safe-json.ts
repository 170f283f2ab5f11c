import { EvidenceParseError } from './parse-result';

export const MAX_JSON_DEPTH = 64;
export const MAX_JSON_KEYS = 2_000_000;
const FORBIDDEN_KEYS = new Set(['__proto__']);

/** Decodes UTF-8 strictly (invalid sequences are refused, a BOM is dropped). */
export function decodeUtf8(content: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(content);
  } catch {
    throw new EvidenceParseError('the document is not valid UTF-8');
  }
}

/** Nesting depth of a JSON text, found in one pass without parsing (so a deep document never reaches a recursive walker). */
function nestingDepth(source: string, limit: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < source.length; i += 1) {
    const code = source.charCodeAt(i);
    if (inString) {
      if (code === 92) i += 1;
      else if (code === 34) inString = false;
    } else if (code === 34) inString = true;
    else if (code === 123 || code === 91) {
      depth += 1;
      if (depth > deepest) deepest = depth;
      if (deepest > limit) return deepest;
    } else if (code === 125 || code === 93) depth -= 1;
  }
  return deepest;
}

/**
 * JSON from an untrusted document: bounded depth and key count, and `__proto__` keys refused so no
 * later spread or merge can touch a prototype.
 */
export function parseUntrustedJson(source: string): unknown {
  if (nestingDepth(source, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) throw new EvidenceParseError(`JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
  let keys = 0;
  try {
    return JSON.parse(source, function reviver(key: string, value: unknown) {
      if (FORBIDDEN_KEYS.has(key)) throw new EvidenceParseError(`JSON key "${key}" is not allowed`);
      keys += 1;
      if (keys > MAX_JSON_KEYS) throw new EvidenceParseError(`JSON with more than ${MAX_JSON_KEYS} values`);
      return value;
    });
  } catch (error) {
    if (error instanceof EvidenceParseError) throw error;
    throw new EvidenceParseError(`malformed JSON: ${(error as Error).message.slice(0, 200)}`);
  }
}
