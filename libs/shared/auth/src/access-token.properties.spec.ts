import type { Identity } from '@assay/shared/contracts';
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { SignJWT } from 'jose';
import { AccessTokenSigner, AccessTokenVerifier, InvalidAccessTokenError } from './access-token';
import { IdentityTokenIssuer, IdentityTokenVerifier, InvalidIdentityTokenError, generateIdentityKeyPair } from './internal-identity-token';

// A case that takes this long hangs: generous, so a loaded machine never fails a case for being slow.
const TIMED = { timeout: 30_000 };
const pem = (pair: ReturnType<typeof generateKeyPairSync>) => ({
  privateKey: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  publicKey: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
});
const ours = pem(generateKeyPairSync('ed25519'));
const theirs = pem(generateKeyPairSync('ed25519'));
const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

const claimValue = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 4 }), { maxLength: 2 }),
  fc.constantFrom('assay', 'assay-api', 'owner', 'admin', 'god', 'at+jwt', 'EdDSA', 'none', 'HS256'),
);
const claims = fc.dictionary(
  fc.constantFrom('iss', 'aud', 'sub', 'exp', 'iat', 'nbf', 'jti', 'tid', 'role', 'sid', 'amr', 'scope', 'kind', 'scopes', 'portal', 'rid', 'mfa', '__proto__'),
  claimValue,
  { maxKeys: 8 },
);
const header = fc.dictionary(fc.constantFrom('alg', 'typ', 'crit', 'kid', 'b64', 'jwk'), claimValue, { maxKeys: 4 });

/** Compact tokens: made-up headers and claims, signatures from no key or another key, mangled segments. */
const forged = fc.oneof(
  fc.tuple(header, claims, fc.string({ maxLength: 20 })).map(([h, c, sig]) => `${b64(h)}.${b64(c)}.${b64(sig)}`),
  fc.tuple(fc.string({ maxLength: 30 }), fc.string({ maxLength: 30 }), fc.string({ maxLength: 30 })).map((parts) => parts.join('.')),
  fc.string({ maxLength: 60 }),
);

describe('access and identity tokens under generated input', () => {
  const verifier = new AccessTokenVerifier(ours.publicKey);
  const identities = new IdentityTokenVerifier(ours.publicKey, 'evidence');

  it('the gateway refuses every forged or foreign user token with InvalidAccessTokenError, and nothing else', async () => {
    const theirKey = createPrivateKey(theirs.privateKey);
    // Well-formed tokens with every expected claim (and generated extra ones), signed by a key that is not ours.
    const foreign = await Promise.all(
      fc
        .sample(claims, { numRuns: 50, seed: 7 })
        .map((c) =>
          new SignJWT({ tid: 't', sid: 's', ...c })
            .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt' })
            .setIssuer('assay')
            .setAudience('assay-api')
            .setSubject('u')
            .setIssuedAt()
            .setExpirationTime('5m')
            .setJti('j')
            .sign(theirKey),
        ),
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof({ weight: 9, arbitrary: forged }, { weight: 1, arbitrary: fc.constantFrom(...foreign) }), async (token) => {
        await expect(verifier.verify(token)).rejects.toBeInstanceOf(InvalidAccessTokenError);
        return true;
      }),
      TIMED,
    );
  });

  it('a genuine user token verifies; any one-character change to it is refused', async () => {
    const signer = new AccessTokenSigner(ours.privateKey);
    const roles = ['owner', 'admin', 'assessor', 'viewer'] as const;
    const genuine = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        signer.sign({
          userId: `user-${i}`,
          tenantId: `tenant-${i}`,
          role: roles[i % 4] as (typeof roles)[number],
          sessionId: `s-${i}`,
          mfa: i % 2 === 0,
          enrolmentOnly: false,
        }),
      ),
    );
    for (const [i, { token }] of genuine.entries())
      await expect(verifier.verify(token)).resolves.toMatchObject({ userId: `user-${i}`, tenantId: `tenant-${i}` });
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...genuine.map(({ token }) => token)),
        fc.nat(),
        fc.constantFrom('A', 'b', '0', '_', '-'),
        async (token, at, replacement) => {
          const index = at % token.length;
          if (token[index] === replacement || token[index] === '.') return true;
          const changed = `${token.slice(0, index)}${replacement}${token.slice(index + 1)}`;
          // base64url's last character may carry unused bits: a change there can decode to the same bytes.
          const [header, payload, signature] = changed.split('.');
          const original = token.split('.');
          if (
            `${header}.${payload}` === `${original[0]}.${original[1]}` &&
            Buffer.from(signature ?? '', 'base64url').equals(Buffer.from(original[2] ?? '', 'base64url'))
          )
            return true;
          await expect(verifier.verify(changed)).rejects.toBeInstanceOf(InvalidAccessTokenError);
          return true;
        },
      ),
      TIMED,
    );
  });

  it('services refuse every forged internal identity token with InvalidIdentityTokenError, and nothing else', async () => {
    const foreignIssuer = new IdentityTokenIssuer(generateIdentityKeyPair().privateKey);
    const ownIssuer = new IdentityTokenIssuer(ours.privateKey);
    const who = (i: number): Identity => ({
      kind: i % 2 ? 'user' : 'api_key',
      principalId: `p-${i}`,
      tenantId: `t-${i}`,
      role: null,
      scopes: [],
      portal: null,
      requestId: `r-${i}`,
    });
    // Genuine tokens, but from another key, or ours for another service.
    const misdirected = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? foreignIssuer.issue(who(i), 'evidence') : ownIssuer.issue(who(i), 'tenancy'))),
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(forged, fc.constantFrom(...misdirected)), async (token) => {
        await expect(identities.verify(token)).rejects.toBeInstanceOf(InvalidIdentityTokenError);
        return true;
      }),
      TIMED,
    );
  });
});
