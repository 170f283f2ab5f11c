import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/*
 * The shapes of Assay's bearer credentials. Each is recognisable by its prefix (so secret scanners
 * and the gateway can tell them apart) and carries enough to find its record without a scan.
 */

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function toBase62(bytes: Buffer, length: number): string {
  let value = BigInt(`0x${bytes.toString('hex') || '0'}`);
  let out = '';
  while (value > 0n) {
    out = BASE62[Number(value % 62n)] + out;
    value /= 62n;
  }
  if (out.length > length) throw new Error('value too large for its base62 width');
  return out.padStart(length, '0');
}

function fromBase62(text: string, byteLength: number): Buffer | null {
  let value = 0n;
  for (const char of text) {
    const digit = BASE62.indexOf(char);
    if (digit < 0) return null;
    value = value * 62n + BigInt(digit);
  }
  const hex = value.toString(16).padStart(byteLength * 2, '0');
  return hex.length > byteLength * 2 ? null : Buffer.from(hex, 'hex');
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

export function crc32(text: string): number {
  let crc = 0xffffffff;
  for (const byte of Buffer.from(text, 'utf8')) crc = (CRC_TABLE[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function uuidToBytes(uuid: string): Buffer {
  return Buffer.from(uuid.replace(/-/g, ''), 'hex');
}

function bytesToUuid(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** SHA-256 (hex) of a high-entropy credential: what is stored instead of the credential. */
export function credentialHash(credential: string): string {
  return createHash('sha256').update(credential, 'utf8').digest('hex');
}

const HEX_BYTES = /^(?:[0-9a-f]{2})+$/i;

/** Constant-time equality of two hex digests; anything that is not whole hex is unequal (Buffer.from would stop at the first bad character). */
export function hashesEqual(a: string, b: string): boolean {
  if (!HEX_BYTES.test(a) || !HEX_BYTES.test(b) || a.length !== b.length) return false;
  return timingSafeEqual(Buffer.from(a, 'hex'), Buffer.from(b, 'hex'));
}

export const API_KEY_PREFIX = 'assay_';
export const PORTAL_TOKEN_PREFIX = 'assay_portal_';
const API_KEY_PATTERN = /^assay_([0-9A-Za-z]{22})([0-9A-Za-z]{32})([0-9A-Za-z]{6})$/;

/**
 * API keys: `assay_<22-char id><32-char secret><6-char CRC32>`, all base62. The id is the key's
 * UUID; the checksum lets the gateway refuse a mistyped or made-up key without a lookup.
 */
export function generateApiKey(keyId: string): { key: string; prefix: string } {
  const body = `${toBase62(uuidToBytes(keyId), 22)}${toBase62(randomBytes(23), 32).slice(0, 32)}`;
  const key = `${API_KEY_PREFIX}${body}${toBase62(Buffer.from(crc32(`${API_KEY_PREFIX}${body}`).toString(16).padStart(8, '0'), 'hex'), 6)}`;
  return { key, prefix: key.slice(0, API_KEY_PREFIX.length + 8) };
}

/** The key id of a well-formed API key whose checksum holds, else null. */
export function parseApiKey(key: string): { keyId: string } | null {
  const match = API_KEY_PATTERN.exec(key);
  if (!match) return null;
  const [, id, secret, checksum] = match as unknown as [string, string, string, string];
  const expected = toBase62(Buffer.from(crc32(`${API_KEY_PREFIX}${id}${secret}`).toString(16).padStart(8, '0'), 'hex'), 6);
  if (expected !== checksum) return null;
  const bytes = fromBase62(id, 16);
  return bytes ? { keyId: bytesToUuid(bytes) } : null;
}

/**
 * Opaque single-purpose tokens bound to one tenant (refresh tokens, invitations):
 * `<prefix><base64url(tenant uuid ‖ 32 random bytes)>`. The tenant lets the service open the right
 * tenant's row-level-security scope before it looks the token up by its hash; a forged tenant only
 * leads to a lookup that finds nothing.
 */
export function generateTenantToken(prefix: string, tenantId: string): string {
  return `${prefix}${Buffer.concat([uuidToBytes(tenantId), randomBytes(32)]).toString('base64url')}`;
}

export function parseTenantToken(prefix: string, token: string): { tenantId: string } | null {
  if (typeof token !== 'string' || !token.startsWith(prefix) || token.length > prefix.length + 80) return null;
  const body = token.slice(prefix.length);
  if (!/^[A-Za-z0-9_-]{64}$/.test(body)) return null;
  const bytes = Buffer.from(body, 'base64url');
  return bytes.length === 48 ? { tenantId: bytesToUuid(bytes.subarray(0, 16)) } : null;
}

export type BearerKind = 'user' | 'api_key' | 'portal';

/** Which strategy a bearer credential is for, by its shape. */
export function bearerKind(credential: string): BearerKind {
  if (credential.startsWith(PORTAL_TOKEN_PREFIX)) return 'portal';
  if (credential.startsWith(API_KEY_PREFIX)) return 'api_key';
  return 'user';
}
