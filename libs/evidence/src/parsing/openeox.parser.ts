import { rfc3339DateTime } from './dates';
import { EvidenceParseError, ParsedEvidence, text } from './parse-result';

/*
 * OpenEoX Core 1.0 (OASIS OpenEoX TC): the end-of-life dates of one product, which the evidence's
 * product names (the Core carries no product identity; the OpenEoX Shell, which binds Core data to
 * product identifiers, has no published schema yet). Each date is an RFC 3339 date-time or "tba"
 * (to be announced).
 */

export const OPENEOX_CORE_SCHEMA = 'https://docs.oasis-open.org/openeox/v1.0/schema/core.json';

/** Whether a JSON document is OpenEoX (by its `$schema`: an unsupported version is then refused with its reason). */
export function isOpenEox(document: Record<string, unknown>): boolean {
  const schema = document['$schema'];
  return typeof schema === 'string' && schema.startsWith('https://docs.oasis-open.org/openeox/');
}

/** An EoX timestamp: an ISO instant, "tba" (announced later) or absent (null). */
function eoxTimestamp(value: unknown, field: string): string | null {
  return value === 'tba' ? 'tba' : rfc3339DateTime(value, field);
}

/** OpenEoX Core: kind `end_of_life`. */
export function parseOpenEox(document: Record<string, unknown>): ParsedEvidence {
  const schema = text(document['$schema'], 200);
  if (schema !== OPENEOX_CORE_SCHEMA) throw new EvidenceParseError(`OpenEoX schema ${schema ?? '(missing)'} is not supported (Core 1.0)`);
  for (const field of ['end_of_life', 'end_of_security_support', 'last_updated'])
    if (document[field] === undefined) throw new EvidenceParseError(`OpenEoX ${field} is missing`);
  const endOfSupportAt = eoxTimestamp(document['end_of_security_support'], 'end_of_security_support');
  const endOfLifeAt = eoxTimestamp(document['end_of_life'], 'end_of_life');
  return {
    kind: 'end_of_life',
    mediaType: 'application/json',
    facts: {
      format: 'openeox',
      schema,
      // One statement, for the product the evidence is attached to (Core names none).
      products: [{ product: null, version: null, endOfSupportAt, endOfLifeAt }],
      endOfSupportAt,
      endOfLifeAt,
      endOfSalesAt: eoxTimestamp(document['end_of_sales'], 'end_of_sales'),
      generalAvailabilityAt: eoxTimestamp(document['general_availability'], 'general_availability'),
      lastUpdated: rfc3339DateTime(document['last_updated'], 'last_updated'),
    },
    validUntil: null,
  };
}
