import { dssePayload, messageDigest, readSigstoreBundle, verifySigstoreBundle } from '../signatures/sigstore';
import { isInTotoStatement, parseProvenance } from './attestation.parsers';
import { EvidenceParseError, ParsedEvidence, SignatureVerificationError, UnsupportedEvidenceError, asArray, isRecord, text } from './parse-result';
import { parseUntrustedJson } from './untrusted-json';

const IN_TOTO = 'application/vnd.in-toto+json';

/** The in-toto statement a DSSE envelope carries. */
function statementOf(payloadType: string, payload: Buffer): Record<string, unknown> {
  if (payloadType !== IN_TOTO) throw new EvidenceParseError(`DSSE payload type ${payloadType.slice(0, 100)} is not an in-toto statement`);
  try {
    const statement = parseUntrustedJson(payload);
    if (!isInTotoStatement(statement)) throw new EvidenceParseError('the DSSE payload is not an in-toto statement');
    return statement;
  } catch (error) {
    if (error instanceof UnsupportedEvidenceError) throw new EvidenceParseError('the DSSE payload is not a JSON object');
    throw error;
  }
}

/** An in-toto statement other than SLSA provenance (npm publish attestations, SBOM attestations, …). */
function attestation(statement: Record<string, unknown>): ParsedEvidence {
  const subjects = asArray(statement['subject']).filter(isRecord);
  return {
    kind: 'other',
    mediaType: IN_TOTO,
    facts: {
      statementType: statement['_type'],
      predicateType: text(statement['predicateType'], 300),
      subjects: subjects.slice(0, 100).map((subject) => ({ name: text(subject['name'], 500), digest: isRecord(subject['digest']) ? subject['digest'] : {} })),
      subjectCount: subjects.length,
    },
    validUntil: null,
  };
}

/**
 * A Sigstore bundle (v0.1–v0.3): its content (SLSA provenance or another in-toto attestation in a
 * DSSE envelope, or a message signature over an artifact) and its verification against the shipped
 * public-good trusted root. A bundle that does not verify is `failed` with the reason.
 */
export function parseSigstoreBundle(document: Record<string, unknown>): ParsedEvidence {
  const bundle = readSigstoreBundle(document);
  const mediaType = String(document['mediaType']);
  const envelope = dssePayload(bundle);
  let content: ParsedEvidence;
  if (envelope) {
    const statement = statementOf(envelope.payloadType, envelope.payload);
    const predicateType = text(statement['predicateType'], 300);
    content = predicateType?.startsWith('https://slsa.dev/provenance/') ? parseProvenance(statement) : attestation(statement);
    content.facts['envelope'] = true;
  } else {
    content = { kind: 'other', mediaType, facts: { messageDigest: messageDigest(bundle) }, validUntil: null };
  }
  const verification = verifySigstoreBundle(bundle);
  const parsed: ParsedEvidence = {
    ...content,
    mediaType,
    facts: {
      ...content.facts,
      format: 'sigstore-bundle',
      bundleMediaType: mediaType,
      signed: verification.signed,
      signatureVerified: verification.signatureVerified,
      signer: verification.signer,
      signatureCoveredBy: verification.signatureCoveredBy,
      verificationError: verification.verificationError,
    },
  };
  if (verification.signatureVerified === false) {
    throw new SignatureVerificationError(`the Sigstore bundle does not verify: ${verification.verificationError ?? 'unknown reason'}`, parsed);
  }
  return parsed;
}
