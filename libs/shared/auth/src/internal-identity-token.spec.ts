import type { Identity } from '@assay/shared/contracts';
import { SignJWT } from 'jose';
import { createPrivateKey } from 'node:crypto';
import { IdentityTokenIssuer, IdentityTokenVerifier, InvalidIdentityTokenError, generateIdentityKeyPair } from './internal-identity-token';

const keys = generateIdentityKeyPair();
const identity: Identity = {
  kind: 'user',
  principalId: '01900000-0000-7000-8000-00000000000a',
  tenantId: '01900000-0000-7000-8000-000000000001',
  role: 'admin',
  scopes: [],
  portal: null,
  requestId: 'req-1',
  sessionId: '01900000-0000-7000-8000-0000000000aa',
  mfa: true,
};

describe('internal identity token', () => {
  it('round-trips an identity for its audience', async () => {
    const token = await new IdentityTokenIssuer(keys.privateKey).issue(identity, 'assessments');
    await expect(new IdentityTokenVerifier(keys.publicKey, 'assessments').verify(token, 'req-1')).resolves.toEqual(identity);
  });

  it('is signed once per caller and audience while it has half its life left, and verified once per token', async () => {
    const issuer = new IdentityTokenIssuer(keys.privateKey);
    const first = await issuer.issue(identity, 'assessments');
    // Another request of the same caller: the same token; the request id is not in it.
    expect(await issuer.issue({ ...identity, requestId: 'req-2' }, 'assessments')).toBe(first);
    // Another audience, another role or another session: another token.
    expect(await issuer.issue(identity, 'evidence')).not.toBe(first);
    expect(await issuer.issue({ ...identity, role: 'viewer' }, 'assessments')).not.toBe(first);
    expect(await issuer.issue({ ...identity, sessionId: '01900000-0000-7000-8000-0000000000ab' }, 'assessments')).not.toBe(first);

    const verifier = new IdentityTokenVerifier(keys.publicKey, 'assessments');
    await expect(verifier.verify(first, 'req-1')).resolves.toEqual(identity);
    // Verified again from memory, with each request's own id.
    await expect(verifier.verify(first, 'req-3')).resolves.toEqual({ ...identity, requestId: 'req-3' });
    // A token with one byte changed is checked in full and refused, whatever was remembered.
    const tampered = `${first.slice(0, -2)}${first.at(-2) === 'A' ? 'B' : 'A'}${first.slice(-1)}`;
    expect(tampered).not.toBe(first);
    await expect(verifier.verify(tampered, 'req-4')).rejects.toThrow(InvalidIdentityTokenError);
  });

  it('is refused by another service', async () => {
    const token = await new IdentityTokenIssuer(keys.privateKey).issue(identity, 'tenancy');
    await expect(new IdentityTokenVerifier(keys.publicKey, 'assessments').verify(token)).rejects.toThrow(InvalidIdentityTokenError);
  });

  it('is refused when signed by another key', async () => {
    const other = generateIdentityKeyPair();
    const token = await new IdentityTokenIssuer(other.privateKey).issue(identity, 'assessments');
    await expect(new IdentityTokenVerifier(keys.publicKey, 'assessments').verify(token)).rejects.toThrow(/ERR_JWS_SIGNATURE_VERIFICATION_FAILED/);
  });

  it('is refused when missing, malformed or unsigned', async () => {
    const verifier = new IdentityTokenVerifier(keys.publicKey, 'assessments');
    await expect(verifier.verify(undefined)).rejects.toThrow(/missing/);
    await expect(verifier.verify('not-a-token')).rejects.toThrow(InvalidIdentityTokenError);
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"x"}').toString('base64url')}.`;
    await expect(verifier.verify(unsigned)).rejects.toThrow(InvalidIdentityTokenError);
  });

  it('is refused once expired', async () => {
    const stale = await new SignJWT({ kind: 'user', tid: identity.tenantId, role: 'admin', scopes: [] })
      .setProtectedHeader({ alg: 'EdDSA' })
      .setIssuer('assay-gateway')
      .setAudience('assessments')
      .setSubject('u')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 600)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 300)
      .sign(createPrivateKey(keys.privateKey));
    await expect(new IdentityTokenVerifier(keys.publicKey, 'assessments').verify(stale)).rejects.toThrow(/ERR_JWT_EXPIRED/);
  });
});
