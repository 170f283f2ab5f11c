import { gateway, ownerDataSourceForFile } from '@assay/shared/testing';
import { createPublicKey, verify } from 'node:crypto';
import { answerAndSubmit, organisation, sentAssessment } from './assessments-test-kit';

const owner = ownerDataSourceForFile();

type Jwk = { kty: string; crv: string; x: string; kid: string; alg: string; use: string };

/**
 * Checks a compact JWS the way a third party would, with no JOSE library at all (Node's own Ed25519),
 * against the key set Assay publishes: a different implementation from the one that signed.
 */
function verifyOffline(jws: string, keys: Jwk[]): { valid: boolean; header: Record<string, unknown>; payload: unknown } {
  const [header64, payload64, signature64] = jws.split('.') as [string, string, string];
  const header = JSON.parse(Buffer.from(header64, 'base64url').toString('utf8')) as Record<string, unknown>;
  const jwk = keys.find((key) => key.kid === header['kid']);
  if (!jwk || header['alg'] !== 'EdDSA') return { valid: false, header, payload: null };
  const key = createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x }, format: 'jwk' });
  const valid = verify(null, Buffer.from(`${header64}.${payload64}`), key, Buffer.from(signature64, 'base64url'));
  return { valid, header, payload: JSON.parse(Buffer.from(payload64, 'base64url').toString('utf8')) };
}

describe('signed assurance pack', () => {
  it('is a compact JWS over the JSON report that verifies offline against /.well-known/jwks.json, and a changed byte does not', async () => {
    const org = await organisation();
    const sent = await sentAssessment(owner, org);
    const url = `/api/v1/assessments/${sent.assessment.id}`;

    // An open assessment has no signed pack: its record can still change.
    const early = await org.call('GET', `${url}/report?format=jws`);
    expect(early.status).toBe(409);
    expect(early.headers.get('content-type')).toContain('application/problem+json');
    expect(early.body.detail).toMatch(/Only a completed assessment has a signed assurance pack/);

    await answerAndSubmit(sent);
    expect((await org.call('POST', `${url}/complete`, { conclusion: 'Assured' })).status).toBe(200);

    const signed = await org.call('GET', `${url}/report?format=jws`);
    expect(signed.status).toBe(200);
    expect(signed.headers.get('content-type')).toBe('application/jose');
    const jws = signed.body as string;
    expect(jws).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);

    const jwks = await gateway('/.well-known/jwks.json');
    expect(jwks.status).toBe(200);
    expect(jwks.headers.get('content-type')).toBe('application/jwk-set+json');
    const keys = jwks.body.keys as Jwk[];
    expect(keys.length).toBeGreaterThanOrEqual(1);
    for (const key of keys) {
      expect(key).toEqual({ kty: 'OKP', crv: 'Ed25519', x: expect.any(String), kid: expect.any(String), alg: 'EdDSA', use: 'sig' });
      expect(key).not.toHaveProperty('d');
    }

    const checked = verifyOffline(jws, keys);
    expect(checked.valid).toBe(true);
    expect(checked.header).toMatchObject({ alg: 'EdDSA', kid: keys[0]?.kid });
    const json = (await org.call('GET', `${url}/report`)).body;
    expect(checked.payload).toEqual({ ...json, generatedAt: expect.any(String) });

    // One byte of the payload changed: the signature no longer holds.
    const [h, p, s] = jws.split('.') as [string, string, string];
    const payload = Buffer.from(p, 'base64url');
    payload[payload.indexOf('Assured')] = 'a'.charCodeAt(0);
    expect(verifyOffline(`${h}.${payload.toString('base64url')}.${s}`, keys).valid).toBe(false);
  });

  it('is refused for another tenant as not found', async () => {
    const org = await organisation();
    const other = await organisation();
    const sent = await sentAssessment(owner, org);
    expect((await other.call('GET', `/api/v1/assessments/${sent.assessment.id}/report?format=jws`)).status).toBe(404);
  });
});
