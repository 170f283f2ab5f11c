import { readCleartextMessage, readKeys, verify } from 'openpgp';
import type { SignatureFacts } from './signature-facts';

/** Fetches the armored (or binary) OpenPGP key published at a URL; throws with the reason when it cannot. */
export type OpenPgpKeyFetcher = (url: string) => Promise<Uint8Array>;

export interface OpenPgpVerification extends SignatureFacts {
  /** Where the key came from (the Encryption URL), or null. */
  keySource: string | null;
  /** Why the signature is not verified; null when it is. */
  verificationError: string | null;
}

const unverified = (reason: string, keySource: string | null = null): OpenPgpVerification => ({
  signed: true,
  signatureVerified: null,
  signer: null,
  keySource,
  verificationError: reason,
});

async function keysFrom(bytes: Uint8Array) {
  const text = Buffer.from(bytes).toString('utf8');
  return text.includes('-----BEGIN PGP PUBLIC KEY BLOCK-----') ? readKeys({ armoredKeys: text }) : readKeys({ binaryKeys: bytes });
}

/** Verifies an OpenPGP cleartext-signed document against the given key material. */
export async function verifyCleartext(source: string, key: Uint8Array, keySource: string | null): Promise<OpenPgpVerification> {
  let keys;
  try {
    keys = await keysFrom(key);
  } catch (error) {
    return unverified(`the key${keySource ? ` at ${keySource}` : ''} is not an OpenPGP public key: ${(error as Error).message.slice(0, 200)}`, keySource);
  }
  try {
    const message = await readCleartextMessage({ cleartextMessage: source });
    const { signatures } = await verify({ message, verificationKeys: keys, expectSigned: true });
    const [signature] = signatures;
    if (!signature) return { ...unverified('no signature in the signature block', keySource), signatureVerified: false };
    await signature.verified;
    const signer = keys.find((candidate) => candidate.getKeyIDs().some((id) => id.equals(signature.keyID)));
    return { signed: true, signatureVerified: true, signer: (signer ?? keys[0])?.getFingerprint().toUpperCase() ?? null, keySource, verificationError: null };
  } catch (error) {
    return { signed: true, signatureVerified: false, signer: null, keySource, verificationError: (error as Error).message.slice(0, 300) };
  }
}

/**
 * Verifies a cleartext-signed security.txt against the key at its first `Encryption:` https URL
 * (RFC 9116 §2.5.4), fetched with `fetchKey` (the SSRF guard). An Encryption that is no https URL
 * (`openpgp4fpr:`, `dns:`), no fetcher, or a key that cannot be had gives `signatureVerified: null`
 * with the reason; a signature that does not verify against the key gives `false`.
 */
export async function verifySignedSecurityTxt(source: string, encryption: string[], fetchKey?: OpenPgpKeyFetcher): Promise<OpenPgpVerification> {
  const url = encryption.find((value) => /^https:\/\//i.test(value.trim()))?.trim();
  if (!url) return unverified('no Encryption field names an https URL of the key');
  if (!fetchKey) return unverified('keys are not fetched here', url);
  let key: Uint8Array;
  try {
    key = await fetchKey(url);
  } catch (error) {
    return unverified(`the key at ${url} could not be fetched: ${(error as Error).message.slice(0, 200)}`, url);
  }
  return verifyCleartext(source, key, url);
}
