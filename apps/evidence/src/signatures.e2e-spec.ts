import { bearer, evidenceTestDatabases, form, gateway, inviteMember, settledEvidence, signupTenant } from '@assay/shared/testing';
import { X509Certificate, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/*
 * Signed evidence through the gateway and the stack's real worker: a real Sigstore bundle verified
 * against the shipped public-good root, and a real DSSE envelope verified against the key the tenant
 * registers (its Fulcio certificate's key); a tampered byte fails it.
 */
const sigstore = (name: string) => readFileSync(join(__dirname, '../../../libs/evidence/src/signatures/__fixtures__/sigstore', `${name}.sigstore.json`));
const bundle = JSON.parse(sigstore('happy-path-intoto-in-dsse-v3').toString());
const envelope = bundle.dsseEnvelope as { payload: string; payloadType: string; signatures: { sig: string }[] };
const signerPem = new X509Certificate(Buffer.from(bundle.verificationMaterial.certificate.rawBytes, 'base64')).publicKey
  .export({ type: 'spki', format: 'pem' })
  .toString();

describe('signed evidence, verified', () => {
  const kit = evidenceTestDatabases();
  let org: Awaited<ReturnType<typeof signupTenant>>;
  let supplierId: string;

  beforeAll(async () => {
    org = await signupTenant();
    supplierId = await kit.supplier(org.tenant.id, 'Signed Ltd');
  });

  const upload = async (content: Buffer, filename: string) => {
    const response = await gateway('/api/v1/evidence', { method: 'POST', body: form({ supplierId }, content, filename), headers: bearer(org.accessToken) });
    expect(response.status).toBe(202);
    return settledEvidence(org.accessToken, response.body.id);
  };

  it('a Sigstore bundle is verified offline against the public-good root', async () => {
    const evidence = await upload(sigstore('happy-path-intoto-in-dsse-v3'), 'attestation.sigstore.json');
    expect(evidence).toMatchObject({
      status: 'processed',
      kind: 'provenance',
      facts: {
        format: 'sigstore-bundle',
        signed: true,
        signatureVerified: true,
        signer: expect.stringContaining('(https://token.actions.githubusercontent.com)'),
      },
    });
    expect(evidence.checks).toContainEqual(expect.objectContaining({ key: 'provenance.signature', result: 'pass' }));
  });

  it('signing keys: admins register, list and remove them; DSSE envelopes verify against them; a tampered byte fails', async () => {
    const unsigned = await upload(Buffer.from(JSON.stringify(envelope)), 'envelope.dsse.json');
    expect(unsigned).toMatchObject({ status: 'processed', facts: { signed: true, signatureVerified: null } });

    const viewer = await inviteMember(kit.owner, org.accessToken, 'viewer');
    expect(
      (await gateway('/api/v1/signing-keys', { method: 'POST', json: { name: 'Release', publicKey: signerPem }, headers: bearer(viewer.accessToken) })).status,
    ).toBe(403);

    const created = await gateway('/api/v1/signing-keys', {
      method: 'POST',
      json: { name: 'Release', publicKey: signerPem },
      headers: bearer(org.accessToken),
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Release', algorithm: 'ecdsa-p256', keyId: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const again = await gateway('/api/v1/signing-keys', { method: 'POST', json: { name: 'Again', publicKey: signerPem }, headers: bearer(org.accessToken) });
    expect(again.status).toBe(409);
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const refused = await gateway('/api/v1/signing-keys', { method: 'POST', json: { name: 'Weak', publicKey: weak }, headers: bearer(org.accessToken) });
    expect(refused).toMatchObject({ status: 422, body: { detail: expect.stringMatching(/not accepted/) } });
    expect((await gateway('/api/v1/signing-keys', { headers: bearer(org.accessToken) })).body.items).toEqual([created.body]);

    // Another copy of the same envelope (a field order of its own, so a new document) now verifies.
    const verified = await upload(
      Buffer.from(JSON.stringify({ signatures: envelope.signatures, payloadType: envelope.payloadType, payload: envelope.payload })),
      'e.json',
    );
    expect(verified).toMatchObject({ status: 'processed', facts: { signatureVerified: true, signer: `Release (${created.body.keyId})` } });
    expect(verified.checks).toContainEqual(expect.objectContaining({ key: 'provenance.signature', result: 'pass' }));

    const payload = Buffer.from(envelope.payload, 'base64');
    const at = payload.indexOf('a.txt');
    payload.writeUInt8(payload.readUInt8(at) ^ 0x01, at);
    const tampered = await upload(Buffer.from(JSON.stringify({ ...envelope, payload: payload.toString('base64') })), 'tampered.json');
    expect(tampered).toMatchObject({ status: 'failed', error: expect.stringMatching(/does not verify/), facts: { signatureVerified: false } });
    expect(tampered.checks).toContainEqual(expect.objectContaining({ key: 'provenance.signature', result: 'fail' }));

    expect((await gateway(`/api/v1/signing-keys/${created.body.id}`, { method: 'DELETE', headers: bearer(org.accessToken) })).status).toBe(204);
    expect((await gateway(`/api/v1/signing-keys/${created.body.id}`, { method: 'DELETE', headers: bearer(org.accessToken) })).status).toBe(404);
    expect((await gateway('/api/v1/signing-keys', { headers: bearer(org.accessToken) })).body.items).toEqual([]);
  });
});
