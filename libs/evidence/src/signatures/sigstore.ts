import { Bundle, ValidationError, bundleFromJSON } from '@sigstore/bundle';
import { HashAlgorithm, TrustedRoot } from '@sigstore/protobuf-specs';
import { SignedEntity, Signer, TrustMaterial, VerificationError, Verifier, toSignedEntity, toTrustMaterial } from '@sigstore/verify';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EvidenceParseError } from '../parsing/parse-result';
import type { SignatureFacts } from './signature-facts';

const BUNDLE_MEDIA_TYPE = /^application\/vnd\.dev\.sigstore\.bundle(\+json;version=0\.[123]|\.v0\.3\+json)$/;

/** The Sigstore public-good trusted root shipped with Assay (refreshed by `npm run trust-root:refresh`). */
export const TRUSTED_ROOT_PATH = join(__dirname, 'trust', 'trusted_root.json');

let shipped: TrustMaterial | undefined;

/** Trust material from a `trusted_root.json` document. */
export function trustMaterialFrom(document: unknown): TrustMaterial {
  return toTrustMaterial(TrustedRoot.fromJSON(document));
}

function shippedTrustMaterial(): TrustMaterial {
  shipped ??= trustMaterialFrom(JSON.parse(readFileSync(TRUSTED_ROOT_PATH, 'utf8')));
  return shipped;
}

/** Whether a JSON document says it is a Sigstore bundle (v0.1–v0.3). */
export function isSigstoreBundle(document: Record<string, unknown>): boolean {
  return typeof document['mediaType'] === 'string' && document['mediaType'].startsWith('application/vnd.dev.sigstore.bundle');
}

/** The bundle, checked against the bundle specification; a malformed or unknown one is refused with the reason. */
export function readSigstoreBundle(document: Record<string, unknown>): Bundle {
  const mediaType = String(document['mediaType']);
  if (!BUNDLE_MEDIA_TYPE.test(mediaType)) throw new EvidenceParseError(`Sigstore bundle media type ${mediaType.slice(0, 100)} is not v0.1–v0.3`);
  try {
    return bundleFromJSON(document);
  } catch (error) {
    if (error instanceof ValidationError || error instanceof Error) throw new EvidenceParseError(`not a valid Sigstore bundle: ${error.message}`);
    throw error;
  }
}

/** "identity (issuer)" of a Fulcio certificate, or the key hint of a managed key. */
function signerOf(signer: Signer, bundle: Bundle): string | null {
  const identity = signer.identity;
  if (identity?.subjectAlternativeName) {
    const issuer = identity.extensions?.issuer;
    return issuer ? `${identity.subjectAlternativeName} (${issuer})` : identity.subjectAlternativeName;
  }
  const material = bundle.verificationMaterial.content;
  return material.$case === 'publicKey' ? `key ${material.publicKey.hint}` : null;
}

/**
 * A message signature signs an artifact that is not part of the bundle. Without the artifact its
 * signature is established through the transparency log: the log entry (whose inclusion and signed
 * timestamp are verified against the log's key) records the same digest and signature, and the log
 * only accepts an entry whose signature verifies over that digest.
 */
function withoutArtifact(entity: SignedEntity): SignedEntity {
  const content = entity.signature;
  return {
    ...entity,
    signature: {
      signature: content.signature,
      compareSignature: (signature) => content.compareSignature(signature),
      compareDigest: (digest) => content.compareDigest(digest),
      verifySignature: () => entity.tlogEntries.length > 0,
    },
  };
}

export interface SigstoreVerification extends SignatureFacts {
  /** How the signature is covered: checked directly, or through the transparency log entry (message signature, no artifact). */
  signatureCoveredBy: 'signature' | 'transparency-log';
  /** Why verification failed; null when it succeeded. */
  verificationError: string | null;
}

export interface SigstoreOptions {
  /** The signed artifact of a message signature, when it is at hand. */
  artifact?: Buffer;
  /** Trust material other than the shipped public-good root (tests of a private instance). */
  trust?: TrustMaterial;
}

/**
 * Verifies a bundle offline: the signing certificate chains to a Fulcio CA of the trusted root and
 * carries an SCT from a trusted CT log, the transparency log entry is included (inclusion proof
 * against a signed checkpoint, or signed entry timestamp) in a trusted Rekor log and matches the
 * signature, the certificate was valid at the logged time, and the signature verifies (the DSSE
 * envelope's pre-authentication encoding, or the artifact). Any failure gives
 * `signatureVerified: false` and the reason.
 */
export function verifySigstoreBundle(bundle: Bundle, options: SigstoreOptions = {}): SigstoreVerification {
  const message = bundle.content.$case === 'messageSignature';
  const coveredBy = message && !options.artifact ? 'transparency-log' : 'signature';
  try {
    const entity = toSignedEntity(bundle, options.artifact);
    const verifier = new Verifier(options.trust ?? shippedTrustMaterial());
    const signer = verifier.verify(coveredBy === 'transparency-log' ? withoutArtifact(entity) : entity);
    return { signed: true, signatureVerified: true, signer: signerOf(signer, bundle), signatureCoveredBy: coveredBy, verificationError: null };
  } catch (error) {
    const reason =
      error instanceof VerificationError
        ? `${error.code}: ${error.message}`
        : error instanceof Error
          ? `unverifiable: ${error.message}`
          : 'unverifiable bundle';
    return { signed: true, signatureVerified: false, signer: null, signatureCoveredBy: coveredBy, verificationError: reason.slice(0, 500) };
  }
}

/** The bundle's DSSE payload (the attestation), or null for a message signature. */
export function dssePayload(bundle: Bundle): { payloadType: string; payload: Buffer } | null {
  if (bundle.content.$case !== 'dsseEnvelope') return null;
  return { payloadType: bundle.content.dsseEnvelope.payloadType, payload: Buffer.from(bundle.content.dsseEnvelope.payload) };
}

/** The message signature's digest ("sha256:…"), or null for a DSSE bundle. */
export function messageDigest(bundle: Bundle): string | null {
  if (bundle.content.$case !== 'messageSignature') return null;
  const digest = bundle.content.messageSignature.messageDigest;
  if (!digest) return null;
  const algorithm = HashAlgorithm[digest.algorithm] ?? 'unknown';
  return `${algorithm.toLowerCase()}:${Buffer.from(digest.digest).toString('hex')}`;
}
