import { X509Certificate, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runChecks } from '../checks/evidence-checks';
import { parseEvidence } from '../parsing/evidence-parser';
import { SignatureVerificationError } from '../parsing/parse-result';
import { VerificationKey, describeKey, verifyDsseEnvelope } from './dsse';

/*
 * A real DSSE envelope (the conformance suite's SLSA provenance, signed on the public-good instance)
 * and the real key that signed it (its Fulcio certificate's), registered as a tenant would.
 */
const bundle = JSON.parse(readFileSync(join(__dirname, '__fixtures__/sigstore/happy-path-intoto-in-dsse-v3.sigstore.json'), 'utf8'));
const envelope = (): Record<string, unknown> => JSON.parse(JSON.stringify(bundle.dsseEnvelope));
const certificate = new X509Certificate(Buffer.from(bundle.verificationMaterial.certificate.rawBytes, 'base64'));
const described = describeKey(certificate.publicKey.export({ type: 'spki', format: 'pem' }).toString());
if ('problem' in described) throw new Error(described.problem);
const signerKey: VerificationKey = { name: 'release key', ...described };
const otherKey = (): VerificationKey => {
  const other = describeKey(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString());
  if ('problem' in other) throw new Error(other.problem);
  return { name: 'other', ...other };
};
const now = new Date('2026-01-01T00:00:00Z');
const options = { kindHint: null, sbomMaxAgeDays: 180, detectBinary: async () => undefined, now };

describe('DSSE envelopes, verified against the tenant’s registered keys', () => {
  it('describes keys: id from the SPKI, algorithm; refuses weak or unknown keys', () => {
    expect(signerKey).toMatchObject({ algorithm: 'ecdsa-p256', keyId: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(describeKey(generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString())).toMatchObject({ algorithm: 'ed25519' });
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(describeKey(weak)).toEqual({ problem: expect.stringMatching(/not accepted/) });
    expect(describeKey('not a key')).toEqual({ problem: 'publicKey is not a PEM public key (SubjectPublicKeyInfo)' });
  });

  it('verifies with the registered key; names the signer; the provenance signature check passes', async () => {
    expect(verifyDsseEnvelope(envelope(), [otherKey(), signerKey])).toEqual({
      signed: true,
      signatureVerified: true,
      signer: `release key (${signerKey.keyId})`,
      verificationError: null,
    });
    const parsed = await parseEvidence(Buffer.from(JSON.stringify(envelope())), { ...options, signingKeys: async () => [signerKey] });
    expect(parsed).toMatchObject({ kind: 'provenance', facts: { envelope: true, signed: true, signatureVerified: true } });
    expect(runChecks(parsed, { now, sbomMaxAgeDays: 180, productId: null })).toContainEqual(
      expect.objectContaining({ key: 'provenance.signature', result: 'pass' }),
    );
  });

  it('a tampered byte of the payload flips signatureVerified to false: the envelope fails with the reason', async () => {
    const tampered = envelope();
    const payload = Buffer.from(String(tampered['payload']), 'base64');
    payload.writeUInt8(payload.readUInt8(payload.indexOf('a.txt')) ^ 0x01, payload.indexOf('a.txt'));
    tampered['payload'] = payload.toString('base64');
    const error = await parseEvidence(Buffer.from(JSON.stringify(tampered)), { ...options, signingKeys: async () => [signerKey] }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(SignatureVerificationError);
    expect((error as Error).message).toBe('the DSSE envelope does not verify: no signature verifies against the 1 registered key(s)');
    const parsed = (error as SignatureVerificationError).parsed;
    expect(parsed.facts).toMatchObject({ signed: true, signatureVerified: false });
    expect(runChecks(parsed, { now, sbomMaxAgeDays: 180, productId: null })).toContainEqual(
      expect.objectContaining({ key: 'provenance.signature', result: 'fail' }),
    );
  });

  it('a key other than the signer’s does not verify it; no key registered is null, a warning', async () => {
    expect(verifyDsseEnvelope(envelope(), [otherKey()])).toMatchObject({ signatureVerified: false });
    const parsed = await parseEvidence(Buffer.from(JSON.stringify(envelope())), { ...options, signingKeys: async () => [] });
    expect(parsed.facts).toMatchObject({ signed: true, signatureVerified: null, verificationError: 'no signing key is registered to verify it against' });
    expect(runChecks(parsed, { now, sbomMaxAgeDays: 180, productId: null })).toContainEqual(
      expect.objectContaining({ key: 'provenance.signature', result: 'warn' }),
    );
  });
});
