import { bearerKind, crc32, generateApiKey, generateTenantToken, parseApiKey, parseTenantToken } from './credential-formats';
import { SecretBox } from './secret-box';
import { randomBytes } from 'node:crypto';

describe('credential formats', () => {
  const keyId = '01935f2e-7b1c-7d3e-8f00-123456789abc';

  it('API keys carry their id and a checksum that catches any single-character change', () => {
    const { key, prefix } = generateApiKey(keyId);
    expect(key).toMatch(/^assay_[0-9A-Za-z]{22}[0-9A-Za-z]{32}[0-9A-Za-z]{6}$/);
    expect(key.startsWith(prefix)).toBe(true);
    expect(parseApiKey(key)).toEqual({ keyId });
    for (let i = 6; i < key.length; i += 7) {
      const changed = `${key.slice(0, i)}${key[i] === 'a' ? 'b' : 'a'}${key.slice(i + 1)}`;
      expect(parseApiKey(changed)).toBeNull();
    }
    expect(generateApiKey(keyId).key).not.toBe(key);
    expect(parseApiKey('assay_short')).toBeNull();
    expect(crc32('123456789')).toBe(0xcbf43926);
  });

  it('tenant-bound tokens give back their tenant and refuse other shapes', () => {
    const token = generateTenantToken('assay_rt_', keyId);
    expect(parseTenantToken('assay_rt_', token)).toEqual({ tenantId: keyId });
    expect(parseTenantToken('assay_inv_', token)).toBeNull();
    expect(parseTenantToken('assay_rt_', `${token}x`)).toBeNull();
  });

  it('tells bearer kinds apart by prefix', () => {
    expect(bearerKind('assay_portal_abc')).toBe('portal');
    expect(bearerKind(generateApiKey(keyId).key)).toBe('api_key');
    expect(bearerKind('eyJhbGciOiJFZERTQSJ9.e30.sig')).toBe('user');
  });

  it('sealed secrets open only with the same key and context', () => {
    const box = new SecretBox(randomBytes(32));
    const sealed = box.seal('JBSWY3DPEHPK3PXP', 'totp:user-1');
    expect(sealed).not.toContain('JBSWY3DPEHPK3PXP');
    expect(box.open(sealed, 'totp:user-1')).toBe('JBSWY3DPEHPK3PXP');
    expect(() => box.open(sealed, 'totp:user-2')).toThrow();
    expect(() => new SecretBox(randomBytes(32)).open(sealed, 'totp:user-1')).toThrow();
  });
});
