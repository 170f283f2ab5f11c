import fc from 'fast-check';
import {
  API_KEY_PREFIX,
  PORTAL_TOKEN_PREFIX,
  bearerKind,
  generateApiKey,
  generateTenantToken,
  hashesEqual,
  parseApiKey,
  parseTenantToken,
} from './credential-formats';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const base62 = (length: number) => fc.string({ unit: fc.constantFrom(...BASE62), minLength: length, maxLength: length });

describe('credential formats under generated input', () => {
  it('parseApiKey never throws, and what it accepts is a well-formed key naming a UUID', () => {
    const candidates = fc.oneof(
      fc.string({ maxLength: 70 }),
      fc.string({ unit: 'binary', maxLength: 20 }),
      fc.tuple(base62(22), base62(32), base62(6)).map(([id, secret, checksum]) => `${API_KEY_PREFIX}${id}${secret}${checksum}`),
      fc
        .tuple(
          fc.constantFrom(API_KEY_PREFIX, PORTAL_TOKEN_PREFIX, 'ASSAY_', ''),
          fc.string({ unit: fc.constantFrom(...BASE62, '-', '_', '\u00e9'), maxLength: 64 }),
        )
        .map(([prefix, body]) => `${prefix}${body}`),
    );
    fc.assert(
      fc.property(candidates, (key) => {
        const parsed = parseApiKey(key);
        if (parsed === null) return true;
        return /^assay_[0-9A-Za-z]{60}$/.test(key) && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(parsed.keyId);
      }),
    );
  });

  it('an API key parses back to its id, and any one-character change is refused', () => {
    fc.assert(
      fc.property(fc.uuid(), fc.nat(), fc.constantFrom(...BASE62), (keyId, at, replacement) => {
        const { key, prefix } = generateApiKey(keyId);
        expect(key.startsWith(prefix)).toBe(true);
        expect(parseApiKey(key)).toEqual({ keyId });
        const index = API_KEY_PREFIX.length + (at % (key.length - API_KEY_PREFIX.length));
        if (key[index] === replacement) return true;
        return parseApiKey(`${key.slice(0, index)}${replacement}${key.slice(index + 1)}`) === null;
      }),
    );
  });

  it('tenant-bound tokens: any input is parsed or refused without throwing; generated ones give back their tenant', () => {
    const prefixes = fc.constantFrom('assay_rt_', 'assay_inv_');
    fc.assert(
      fc.property(prefixes, fc.uuid(), fc.oneof(fc.string({ maxLength: 100 }), fc.anything({ maxDepth: 0 })), (prefix, tenantId, junk) => {
        const token = generateTenantToken(prefix, tenantId);
        expect(parseTenantToken(prefix, token)).toEqual({ tenantId });
        const other = parseTenantToken(prefix, `${prefix}${String(junk)}`);
        const unrelated = parseTenantToken(prefix, junk as string);
        return [other, unrelated].every((parsed) => parsed === null || /^[0-9a-f-]{36}$/.test(parsed.tenantId));
      }),
    );
  });

  it('bearerKind and hashesEqual take any string', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), fc.string({ unit: fc.constantFrom(...'0123456789abcdefXYZ'), maxLength: 66 }), (credential, hex) => {
        const kind = bearerKind(credential);
        expect(kind).toBe(credential.startsWith(PORTAL_TOKEN_PREFIX) ? 'portal' : credential.startsWith(API_KEY_PREFIX) ? 'api_key' : 'user');
        expect(hashesEqual(hex, hex)).toBe(/^(?:[0-9a-f]{2})+$/.test(hex));
        return !hashesEqual(hex, `${hex}00`) && !hashesEqual(`${hex}Z`, `${hex}Z`);
      }),
    );
  });
});
