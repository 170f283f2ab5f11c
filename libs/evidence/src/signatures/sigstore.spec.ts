import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runChecks } from '../checks/evidence-checks';
import { parseEvidence } from '../parsing/evidence-parser';
import { EvidenceParseError, SignatureVerificationError } from '../parsing/parse-result';
import { readSigstoreBundle, verifySigstoreBundle } from './sigstore';

/* Real bundles of the Sigstore conformance suite, signed on the public-good instance (see MANIFEST.md). */
const asset = (name: string) => readFileSync(join(__dirname, '__fixtures__/sigstore', name));
const bundle = (name: string) => JSON.parse(asset(`${name}.sigstore.json`).toString()) as Record<string, unknown>;
const IDENTITY =
  'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main (https://token.actions.githubusercontent.com)';
const options = { kindHint: null, sbomMaxAgeDays: 180, detectBinary: async () => undefined, now: new Date('2026-01-01T00:00:00Z') };
const context = { now: options.now, sbomMaxAgeDays: 180, productId: null };

/** The DSSE bundle with one byte of its signed statement changed (the payload re-encoded, the signature kept). */
function tamperedPayload(): Record<string, unknown> {
  const document = bundle('happy-path-intoto-in-dsse-v3');
  const envelope = document['dsseEnvelope'] as { payload: string };
  const payload = Buffer.from(envelope.payload, 'base64');
  const at = payload.indexOf('a.txt');
  payload[at] = 'b'.charCodeAt(0);
  envelope.payload = payload.toString('base64');
  return document;
}

describe('Sigstore bundles, verified offline against the shipped public-good trusted root', () => {
  it.each(['happy-path-v0.1', 'happy-path-v0.2', 'happy-path-v0.3'])('verifies the message signature bundle %s', (name) => {
    const read = readSigstoreBundle(bundle(name));
    expect(verifySigstoreBundle(read)).toEqual({
      signed: true,
      signatureVerified: true,
      signer: IDENTITY,
      signatureCoveredBy: 'transparency-log',
      verificationError: null,
    });
    // With the signed artifact at hand, the signature itself is checked over it.
    expect(verifySigstoreBundle(read, { artifact: asset('a.txt') })).toMatchObject({ signatureVerified: true, signatureCoveredBy: 'signature' });
    const other = Buffer.from(asset('a.txt'));
    other.writeUInt8(other.readUInt8(0) ^ 1, 0);
    expect(verifySigstoreBundle(read, { artifact: other })).toMatchObject({
      signatureVerified: false,
      verificationError: 'SIGNATURE_ERROR: signature verification failed',
    });
  });

  it('reads a v0.3 DSSE bundle as verified SLSA provenance with a passing signature check', async () => {
    const parsed = await parseEvidence(asset('happy-path-intoto-in-dsse-v3.sigstore.json'), options);
    expect(parsed.kind).toBe('provenance');
    expect(parsed.mediaType).toBe('application/vnd.dev.sigstore.bundle.v0.3+json');
    expect(parsed.facts).toMatchObject({
      format: 'sigstore-bundle',
      predicateType: 'https://slsa.dev/provenance/v1',
      signed: true,
      signatureVerified: true,
      signer: IDENTITY,
    });
    expect(runChecks(parsed, context)).toContainEqual({
      key: 'provenance.signature',
      claimIds: ['3.1.1', '3.1.2'],
      result: 'pass',
      detail: `signature verified by ${IDENTITY}`,
    });
  });

  it('a tampered byte of the signed statement flips signatureVerified to false and fails the check', async () => {
    const error = await parseEvidence(Buffer.from(JSON.stringify(tamperedPayload())), options).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SignatureVerificationError);
    const parsed = (error as SignatureVerificationError).parsed;
    expect(parsed.facts).toMatchObject({ signed: true, signatureVerified: false, signer: null });
    expect(runChecks(parsed, context)).toContainEqual(expect.objectContaining({ key: 'provenance.signature', result: 'fail' }));
    expect(runChecks(parsed, context).some((check) => check.key === 'provenance.signature' && check.result === 'pass')).toBe(false);
  });

  it.each([
    ['bundle-from-wrong-instance_fail', /CERTIFICATE_ERROR: Failed to verify certificate chain/],
    ['inclusion-proof-corrupted-hash_fail', /TLOG_INCLUSION_PROOF_ERROR/],
    ['dsse-invalid-sig_fail', /TLOG_BODY_ERROR|SIGNATURE_ERROR/],
    ['signature-mismatch_fail', /TLOG_BODY_ERROR|SIGNATURE_ERROR/],
  ])('refuses %s with the reason', async (name, reason) => {
    expect(verifySigstoreBundle(readSigstoreBundle(bundle(name)))).toMatchObject({
      signatureVerified: false,
      verificationError: expect.stringMatching(reason),
    });
    await expect(parseEvidence(asset(`${name}.sigstore.json`), options)).rejects.toThrow(reason);
  });

  it('a bundle whose inclusion proof is incomplete is not a valid bundle', async () => {
    await expect(parseEvidence(asset('invalid-inclusion-proof_fail.sigstore.json'), options)).rejects.toThrow(EvidenceParseError);
    await expect(parseEvidence(asset('invalid-inclusion-proof_fail.sigstore.json'), options)).rejects.toThrow(/not a valid Sigstore bundle/);
  });

  it('refuses bundle versions it does not know', async () => {
    const document = { ...bundle('happy-path-v0.3'), mediaType: 'application/vnd.dev.sigstore.bundle.v0.9+json' };
    await expect(parseEvidence(Buffer.from(JSON.stringify(document)), options)).rejects.toThrow(/is not v0.1–v0.3/);
  });

  it('a bare DSSE envelope is signed but unverified (no key), and its check says so', () => {
    const document = bundle('happy-path-intoto-in-dsse-v3');
    const envelope = document['dsseEnvelope'] as Record<string, unknown>;
    return parseEvidence(Buffer.from(JSON.stringify(envelope)), options).then((parsed) => {
      expect(parsed.facts).toMatchObject({ signed: true, signatureVerified: null });
      expect(runChecks(parsed, context)).toContainEqual(expect.objectContaining({ key: 'provenance.signature', result: 'warn' }));
    });
  });
});
