import { clock } from '@assay/shared/clock';
import { EvidenceParseError, ParsedEvidence, isoDate } from './parse-result';

const SIGNED_START = '-----BEGIN PGP SIGNED MESSAGE-----';
const SIGNATURE_START = '-----BEGIN PGP SIGNATURE-----';
const FIELD = /^([A-Za-z][A-Za-z-]{0,40}):\s*(.*)$/;
const KNOWN_FIELDS = ['acknowledgments', 'canonical', 'contact', 'encryption', 'expires', 'hiring', 'policy', 'preferred-languages', 'csaf'];

/** The body of an OpenPGP cleartext-signed message (RFC 4880 §7), dash-escaping undone; null when not signed. */
function cleartextBody(source: string): string | null {
  const trimmed = source.replace(/^\uFEFF/, '').trimStart();
  if (!trimmed.startsWith(SIGNED_START)) return null;
  const lines = trimmed.split(/\r?\n/);
  let index = 1;
  while (index < lines.length && (lines[index] ?? '').trim() !== '') index += 1; // armor headers (Hash: …)
  const body: string[] = [];
  for (index += 1; index < lines.length; index += 1) {
    const line = lines[index] ?? '';
    if (line.startsWith(SIGNATURE_START)) return body.join('\n');
    body.push(line.startsWith('- ') ? line.slice(2) : line);
  }
  throw new EvidenceParseError('signed security.txt without its signature block');
}

/** Whether a text looks like a security.txt at all (a Contact or Expires field). */
export function looksLikeSecurityTxt(source: string): boolean {
  const body = source.trimStart().startsWith(SIGNED_START) ? source : source;
  return /^(contact|expires):/im.test(body);
}

/** A security.txt per RFC 9116, plain or cleartext-signed (the signature is recorded, not verified here). */
export function parseSecurityTxt(source: string, now = clock.now()): ParsedEvidence {
  const inside = cleartextBody(source);
  const signed = inside !== null;
  const body = inside ?? source.replace(/^\uFEFF/, '');
  const fields = new Map<string, string[]>();
  for (const raw of body.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = FIELD.exec(line);
    if (!match) continue;
    const name = (match[1] ?? '').toLowerCase();
    if (!KNOWN_FIELDS.includes(name)) continue;
    const values = fields.get(name) ?? [];
    if (values.length < 50) values.push((match[2] ?? '').slice(0, 2048));
    fields.set(name, values);
  }
  const contact = fields.get('contact') ?? [];
  if (contact.length === 0 && !fields.has('expires')) throw new EvidenceParseError('not a security.txt: neither Contact nor Expires');
  const expiresRaw = fields.get('expires') ?? [];
  const expires = expiresRaw.length === 1 ? isoDate(expiresRaw[0]) : null;
  const first = (name: string) => fields.get(name)?.[0] ?? null;
  return {
    kind: 'security_txt',
    mediaType: 'text/plain',
    facts: {
      contact,
      expires,
      expired: expires ? Date.parse(expires) <= now.getTime() : null,
      ...(expiresRaw.length > 1
        ? { problems: ['Expires appears more than once'] }
        : expiresRaw.length === 1 && !expires
          ? { problems: ['Expires is not a valid date'] }
          : {}),
      policy: fields.get('policy') ?? [],
      encryption: fields.get('encryption') ?? [],
      canonical: fields.get('canonical') ?? [],
      acknowledgments: fields.get('acknowledgments') ?? [],
      hiring: fields.get('hiring') ?? [],
      preferredLanguages: (first('preferred-languages') ?? '')
        .split(',')
        .map((tag) => tag.trim())
        .filter((tag) => tag.length > 0),
      csaf: fields.get('csaf') ?? [],
      signed,
    },
    validUntil: expires,
  };
}
