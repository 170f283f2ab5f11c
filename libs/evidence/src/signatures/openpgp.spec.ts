import { createCleartextMessage, generateKey, readPrivateKey, sign } from 'openpgp';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runChecks } from '../checks/evidence-checks';
import { parseEvidence } from '../parsing/evidence-parser';
import { describeOpenPgpKey } from './openpgp';

const real = (name: string) => readFileSync(join(__dirname, '../parsing/__fixtures__/real', name)).toString();
const KEY_URL = 'https://letsencrypt.org/.well-known/security.pgp';
const options = { kindHint: null, sbomMaxAgeDays: 180, detectBinary: async () => undefined, now: new Date('2026-01-01T00:00:00Z') };
const context = { now: options.now, sbomMaxAgeDays: 180, productId: null };

/** Let's Encrypt's real security.txt, with an Encryption URL, cleartext-signed with a fresh key. */
async function signed(): Promise<{ document: string; publicKey: string; fingerprint: string }> {
  const { privateKey, publicKey } = await generateKey({
    type: 'ecc',
    curve: 'nistP256',
    userIDs: [{ email: 'security@letsencrypt.org' }],
    format: 'armored',
  });
  const key = await readPrivateKey({ armoredKey: privateKey });
  const text = `${real('letsencrypt-security.txt').trimEnd()}\nEncryption: ${KEY_URL}\nExpires: 2099-01-01T00:00:00Z\n`;
  const document = await sign({ message: await createCleartextMessage({ text }), signingKeys: key });
  return { document, publicKey, fingerprint: key.getFingerprint().toUpperCase() };
}

describe('cleartext-signed security.txt, verified with OpenPGP against the key at its Encryption URL', () => {
  it('verifies, and a tampered byte flips signatureVerified to false and fails the check', async () => {
    const { document, publicKey, fingerprint } = await signed();
    const fetched: string[] = [];
    const fetchOpenPgpKey = async (url: string) => {
      fetched.push(url);
      return Buffer.from(publicKey);
    };
    const good = await parseEvidence(Buffer.from(document), { ...options, fetchOpenPgpKey });
    expect(fetched).toEqual([KEY_URL]);
    expect(good.facts).toMatchObject({
      signed: true,
      signatureVerified: true,
      signer: fingerprint,
      keySource: KEY_URL,
      contact: ['mailto:security@letsencrypt.org'],
    });
    expect(runChecks(good, context)).toContainEqual({
      key: 'security_txt.signature',
      claimIds: ['3.2.1'],
      result: 'pass',
      detail: `signature verified by ${fingerprint}`,
    });

    const tampered = document.replace('mailto:security@letsencrypt.org', 'mailto:security@letsencrypt.orh');
    expect(tampered).not.toBe(document);
    const bad = await parseEvidence(Buffer.from(tampered), { ...options, fetchOpenPgpKey });
    expect(bad.facts).toMatchObject({ signed: true, signatureVerified: false, signer: null });
    expect(runChecks(bad, context)).toContainEqual(expect.objectContaining({ key: 'security_txt.signature', result: 'fail' }));
  });

  it('a signature by another key does not verify', async () => {
    const { document } = await signed();
    const other = await signed();
    const parsed = await parseEvidence(Buffer.from(document), { ...options, fetchOpenPgpKey: async () => Buffer.from(other.publicKey) });
    expect(parsed.facts).toMatchObject({ signatureVerified: false, verificationError: expect.stringMatching(/key/i) });
  });

  it('no key to be had: signatureVerified null with the reason, a warning and never a pass', async () => {
    // Jazzband's real signed security.txt names its key by fingerprint (openpgp4fpr:), not by URL.
    const jazzband = await parseEvidence(Buffer.from(real('jazzband-security.txt')), { ...options, fetchOpenPgpKey: async () => Buffer.alloc(0) });
    expect(jazzband.facts).toMatchObject({ signed: true, signatureVerified: null, verificationError: 'no Encryption field names an https URL of the key' });
    expect(runChecks(jazzband, context)).toContainEqual(expect.objectContaining({ key: 'security_txt.signature', result: 'warn' }));

    const { document } = await signed();
    const unreachable = await parseEvidence(Buffer.from(document), {
      ...options,
      fetchOpenPgpKey: async () => {
        throw new Error('HTTP 404');
      },
    });
    expect(unreachable.facts).toMatchObject({ signatureVerified: null, verificationError: `the key at ${KEY_URL} could not be fetched: HTTP 404` });
    const notAKey = await parseEvidence(Buffer.from(document), { ...options, fetchOpenPgpKey: async () => Buffer.from('<html>not a key</html>') });
    expect(notAKey.facts).toMatchObject({ signatureVerified: null, verificationError: expect.stringMatching(/is not an OpenPGP public key/) });
  });

  it('verifies against an OpenPGP key the tenant uploaded: the Encryption names none by URL, or its key is not the signing key; a tampered byte gives false', async () => {
    const { privateKey, publicKey } = await generateKey({ type: 'ecc', curve: 'nistP256', userIDs: [{ email: 'security@jazzband.co' }], format: 'armored' });
    const key = await readPrivateKey({ armoredKey: privateKey });
    const fingerprint = key.getFingerprint().toUpperCase();
    // Jazzband's real security.txt (Encryption: openpgp4fpr:…) signed again with this key.
    const body = real('jazzband-security.txt')
      .replace(/^[\s\S]*?\n\n/, '')
      .replace(/\n-----BEGIN PGP SIGNATURE-----[\s\S]*$/, '\n');
    const document = await sign({ message: await createCleartextMessage({ text: `${body.trimEnd()}\n` }), signingKeys: key });
    const described = await describeOpenPgpKey(publicKey);
    expect(described).toEqual({ keyId: fingerprint, algorithm: 'openpgp', publicKey: expect.stringContaining('-----BEGIN PGP PUBLIC KEY BLOCK-----') });
    const uploaded = { name: 'Jazzband security', ...(described as { keyId: string; algorithm: string; publicKey: string }) };
    const other = await describeOpenPgpKey((await signed()).publicKey);
    const registered = (...keys: object[]) => ({ ...options, signingKeys: async () => keys as never });

    const good = await parseEvidence(Buffer.from(document), registered({ ...other, name: 'Another key' }, uploaded));
    expect(good.facts).toMatchObject({
      signed: true,
      signatureVerified: true,
      signer: fingerprint,
      keySource: `registered key Jazzband security (${fingerprint})`,
    });
    expect(runChecks(good, context)).toContainEqual(expect.objectContaining({ key: 'security_txt.signature', result: 'pass' }));

    const tampered = document.replace('mailto:security@jazzband.co', 'mailto:security@jazzband.cx');
    expect(tampered).not.toBe(document);
    const bad = await parseEvidence(Buffer.from(tampered), registered(uploaded));
    expect(bad.facts).toMatchObject({ signed: true, signatureVerified: false, signer: null });
    expect(runChecks(bad, context)).toContainEqual(expect.objectContaining({ key: 'security_txt.signature', result: 'fail' }));

    // Only keys that did not sign it: false. No key registered and none at a URL: null, saying so.
    expect((await parseEvidence(Buffer.from(document), registered({ ...other, name: 'Another key' }))).facts).toMatchObject({ signatureVerified: false });
    expect((await parseEvidence(Buffer.from(document), registered())).facts).toMatchObject({
      signatureVerified: null,
      verificationError: 'no Encryption field names an https URL of the key; no OpenPGP key is registered',
    });
    // The key at the Encryption URL is not the signing key, the uploaded one is: verified by the uploaded key.
    const withUrl = await signed();
    const viaUrl = await parseEvidence(Buffer.from(withUrl.document), {
      ...registered({ name: 'Let’s Encrypt signing', ...((await describeOpenPgpKey(withUrl.publicKey)) as object) }),
      fetchOpenPgpKey: async () => Buffer.from(publicKey),
    });
    expect(viaUrl.facts).toMatchObject({
      signatureVerified: true,
      signer: withUrl.fingerprint,
      keySource: expect.stringMatching(/^registered key Let’s Encrypt signing/),
    });
    expect(await describeOpenPgpKey(privateKey)).toEqual({ problem: expect.stringMatching(/private key|not an OpenPGP public key/) });
  });

  it('an unsigned security.txt has no signature check', async () => {
    const parsed = await parseEvidence(Buffer.from(real('letsencrypt-security.txt')), options);
    expect(parsed.facts['signed']).toBe(false);
    expect(runChecks(parsed, context).map((check) => check.key)).not.toContain('security_txt.signature');
  });
});
