import { KeyObject, createHash, createPublicKey, verify } from 'node:crypto';
import { asArray, isRecord, text } from '../parsing/parse-result';
import type { SignatureFacts } from './signature-facts';

/** A registered key as verification needs it. */
export interface VerificationKey {
  name: string;
  keyId: string;
  publicKey: string;
  /** `openpgp` for an OpenPGP key (security.txt signatures), otherwise the SPKI key's algorithm. */
  algorithm?: string;
}

/** OpenPGP keys verify cleartext-signed security.txt files, not DSSE envelopes. */
export const OPENPGP_ALGORITHM = 'openpgp';

/** The key's id (SHA-256 of its SPKI DER), algorithm and normalised PEM, or why it is not accepted. */
export function describeKey(pem: string): { keyId: string; algorithm: string; publicKey: string } | { problem: string } {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: 'pem' });
  } catch {
    return { problem: 'publicKey is not a PEM public key (SubjectPublicKeyInfo)' };
  }
  const type = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails ?? {};
  let algorithm: string;
  if (type === 'ed25519') algorithm = 'ed25519';
  else if (type === 'ec' && (details.namedCurve === 'prime256v1' || details.namedCurve === 'secp384r1'))
    algorithm = details.namedCurve === 'prime256v1' ? 'ecdsa-p256' : 'ecdsa-p384';
  else if (type === 'rsa' && (details.modulusLength ?? 0) >= 2048) algorithm = `rsa-${details.modulusLength}`;
  else return { problem: `a ${type ?? 'unknown'} key of this size or curve is not accepted (ECDSA P-256/P-384, Ed25519, RSA ≥ 2048 bits)` };
  const der = key.export({ type: 'spki', format: 'der' });
  return { keyId: createHash('sha256').update(der).digest('hex'), algorithm, publicKey: key.export({ type: 'spki', format: 'pem' }).toString() };
}

/** DSSE pre-authentication encoding (DSSE v1 protocol). */
export function preAuthEncoding(payloadType: string, payload: Buffer): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${payload.length} `), payload]);
}

function verifies(key: VerificationKey, message: Buffer, signature: Buffer): boolean {
  const object = createPublicKey(key.publicKey);
  const digest = object.asymmetricKeyType === 'ed25519' ? null : object.asymmetricKeyDetails?.namedCurve === 'secp384r1' ? 'sha384' : 'sha256';
  try {
    return verify(digest, message, object, signature);
  } catch {
    return false;
  }
}

/**
 * Verifies a DSSE envelope against the tenant's registered keys: verified when a signature verifies
 * over the pre-authentication encoding with one of them; false when the envelope names a registered
 * key (by `keyid`) whose signature does not verify, or when no signature verifies against any key;
 * null when the tenant registered no key.
 */
export function verifyDsseEnvelope(envelope: Record<string, unknown>, registered: VerificationKey[]): SignatureFacts & { verificationError: string | null } {
  const keys = registered.filter((key) => key.algorithm !== OPENPGP_ALGORITHM);
  const signatures = asArray(envelope['signatures']).filter(isRecord);
  const firstKeyId = signatures.length > 0 ? text(signatures[0]?.['keyid'], 200) : null;
  if (signatures.length === 0) return { signed: false, signatureVerified: null, signer: null, verificationError: null };
  if (keys.length === 0)
    return { signed: true, signatureVerified: null, signer: firstKeyId, verificationError: 'no signing key is registered to verify it against' };
  const message = preAuthEncoding(String(envelope['payloadType']), Buffer.from(String(envelope['payload']), 'base64'));
  for (const signature of signatures.slice(0, 16)) {
    const bytes = Buffer.from(typeof signature['sig'] === 'string' ? signature['sig'] : '', 'base64');
    const keyid = text(signature['keyid'], 200);
    const candidates = keyid ? keys.filter((key) => key.keyId === keyid || key.name === keyid) : [];
    for (const key of candidates.length > 0 ? candidates : keys) {
      if (verifies(key, message, bytes)) return { signed: true, signatureVerified: true, signer: `${key.name} (${key.keyId})`, verificationError: null };
    }
  }
  return { signed: true, signatureVerified: false, signer: null, verificationError: `no signature verifies against the ${keys.length} registered key(s)` };
}
