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
    await expect(new IdentityTokenVerifier(keys.publicKey, 'assessments').verify(token)).resolves.toEqual(identity);
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
