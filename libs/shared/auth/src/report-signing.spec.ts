import { compactVerify, createLocalJWKSet } from 'jose';
import { generateIdentityKeyPair } from './internal-identity-token';
import { ReportSigner, reportJwks } from './report-signing';

describe('report signing keys', () => {
  it('lists the current key first and retired keys after it, public parts only, each once', async () => {
    const current = generateIdentityKeyPair();
    const retired = generateIdentityKeyPair();
    const jwks = await reportJwks([current.publicKey, retired.publicKey, current.privateKey]);
    expect(jwks.keys).toHaveLength(2);
    for (const key of jwks.keys) expect(Object.keys(key).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x']);
    expect(jwks.keys[0]?.kid).not.toBe(jwks.keys[1]?.kid);
  });

  it('keeps a pack signed before a rotation verifiable while the old key stays listed', async () => {
    const before = generateIdentityKeyPair();
    const after = generateIdentityKeyPair();
    const old = await new ReportSigner(before.privateKey).sign({ report: 'signed before the rotation' });
    const fresh = await new ReportSigner(after.privateKey).sign({ report: 'signed after it' });

    const rotated = createLocalJWKSet(await reportJwks([after.publicKey, before.publicKey]));
    expect(Buffer.from((await compactVerify(old, rotated)).payload).toString()).toBe('{"report":"signed before the rotation"}');
    await expect(compactVerify(fresh, rotated)).resolves.toBeDefined();

    // Dropped from the set, the old key no longer vouches for its packs.
    await expect(compactVerify(old, createLocalJWKSet(await reportJwks([after.publicKey])))).rejects.toThrow();
  });

  it('refuses keys that are not Ed25519', async () => {
    await expect(reportJwks(['-----BEGIN PUBLIC KEY-----\nnot a key\n-----END PUBLIC KEY-----\n'])).rejects.toThrow();
    expect(() => new ReportSigner('-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----\n')).toThrow();
  });
});
