import { readCleartextMessage, readKeys, verify } from 'openpgp';
import type { VerificationKey } from './dsse';
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

const PGP_PUBLIC_KEY_BLOCK = '-----BEGIN PGP PUBLIC KEY BLOCK-----';

/** Whether a submitted public key is an armored OpenPGP key (rather than a PEM SubjectPublicKeyInfo). */
export function isArmoredOpenPgpKey(text: string): boolean {
  return text.trimStart().startsWith(PGP_PUBLIC_KEY_BLOCK);
}

/** One armored OpenPGP public key as a tenant registers it: its fingerprint as key id, re-armored; or why it is not accepted. */
export async function describeOpenPgpKey(armored: string): Promise<{ keyId: string; algorithm: string; publicKey: string } | { problem: string }> {
  let keys;
  try {
    keys = await readKeys({ armoredKeys: armored });
  } catch (error) {
    return { problem: `publicKey is not an OpenPGP public key: ${(error as Error).message.slice(0, 200)}` };
  }
  const [key] = keys;
  if (!key || keys.length !== 1) return { problem: 'publicKey must hold exactly one OpenPGP public key' };
  if (key.isPrivate()) return { problem: 'publicKey is an OpenPGP private key: register the public key only' };
  return { keyId: key.getFingerprint().toUpperCase(), algorithm: 'openpgp', publicKey: key.armor() };
}

/**
 * Verifies a cleartext-signed security.txt against the key at its first `Encryption:` https URL
 * (RFC 9116 §2.5.4), fetched with `fetchKey` (the SSRF guard), then against the OpenPGP keys the
 * tenant registered (the key a supplier signs with need not be its encryption key, and an Encryption
 * given as `openpgp4fpr:` or `dns:` names no URL). The first key the signature verifies with wins
 * (`signer` its fingerprint, `keySource` the URL or the registered key); when keys were had and none
 * verifies, `signatureVerified` is false; when no key could be had, null with the reason.
 */
export async function verifySignedSecurityTxt(
  source: string,
  encryption: string[],
  fetchKey?: OpenPgpKeyFetcher,
  registeredKeys?: () => Promise<VerificationKey[]>,
): Promise<OpenPgpVerification> {
  const url = encryption.find((value) => /^https:\/\//i.test(value.trim()))?.trim();
  const outcomes: OpenPgpVerification[] = [];
  if (!url) outcomes.push(unverified('no Encryption field names an https URL of the key'));
  else if (!fetchKey) outcomes.push(unverified('keys are not fetched here', url));
  else {
    try {
      outcomes.push(await verifyCleartext(source, await fetchKey(url), url));
    } catch (error) {
      outcomes.push(unverified(`the key at ${url} could not be fetched: ${(error as Error).message.slice(0, 200)}`, url));
    }
  }
  if (outcomes[0]?.signatureVerified === true) return outcomes[0];
  const registered = (registeredKeys ? await registeredKeys() : []).filter((key) => key.algorithm === 'openpgp');
  for (const key of registered) {
    const outcome = await verifyCleartext(source, Buffer.from(key.publicKey), `registered key ${key.name} (${key.keyId})`);
    if (outcome.signatureVerified === true) return outcome;
    outcomes.push(outcome);
  }
  const failed = outcomes.find((outcome) => outcome.signatureVerified === false);
  if (failed) return failed;
  const reasons = outcomes.map((outcome) => outcome.verificationError).filter((reason): reason is string => reason !== null);
  return unverified(
    `${reasons.join('; ')}${registeredKeys && registered.length === 0 ? '; no OpenPGP key is registered' : ''}`.replace(/^; /, ''),
    outcomes[0]?.keySource ?? null,
  );
}
