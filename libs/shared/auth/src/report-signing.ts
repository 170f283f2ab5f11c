import { CompactSign, JWK, calculateJwkThumbprint, exportJWK } from 'jose';
import { KeyObject, createPrivateKey, createPublicKey } from 'node:crypto';

/**
 * Signed assurance packs: a compact JWS (RFC 7515, EdDSA over Ed25519) whose payload is the report as
 * JSON, so anyone holding the published keys can check offline, with any JOSE library, that Assay
 * issued it and that not one byte changed. The key id is the key's RFC 7638 thumbprint, so it is
 * derived, never configured, and the signer and the published key set cannot disagree about it.
 */
export const REPORT_JWS_MEDIA_TYPE = 'application/jose';
export const JWKS_MEDIA_TYPE = 'application/jwk-set+json';
const ALGORITHM = 'EdDSA';

function ed25519(key: KeyObject, what: string): KeyObject {
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`The report signing ${what} must be an Ed25519 key`);
  return key;
}

/** The public JWK of a key with its thumbprint as `kid`. */
async function publicJwk(publicKey: KeyObject): Promise<JWK & { kid: string }> {
  const jwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(jwk, 'sha256');
  return { ...jwk, kid, alg: ALGORITHM, use: 'sig' };
}

/** Held by the assessments service: signs reports with the current key. */
export class ReportSigner {
  private readonly key: KeyObject;
  private readonly kid: Promise<string>;

  constructor(privateKeyPem: string) {
    this.key = ed25519(createPrivateKey(privateKeyPem), 'private key');
    this.kid = publicJwk(createPublicKey(this.key)).then((jwk) => jwk.kid);
  }

  async sign(document: unknown): Promise<string> {
    return new CompactSign(Buffer.from(JSON.stringify(document), 'utf8'))
      .setProtectedHeader({ alg: ALGORITHM, kid: await this.kid, typ: 'assay-report+jws', cty: 'json' })
      .sign(this.key);
  }
}

/**
 * The published key set: the current key first, then every retired one, so a pack signed before a
 * rotation still verifies. Keys are given as public (or private) PEMs; only public parts are listed.
 */
export async function reportJwks(pems: readonly string[]): Promise<{ keys: (JWK & { kid: string })[] }> {
  const keys = await Promise.all(pems.map((pem) => publicJwk(ed25519(createPublicKey(pem), 'public key'))));
  const seen = new Set<string>();
  return { keys: keys.filter((key) => !seen.has(key.kid) && seen.add(key.kid)) };
}
