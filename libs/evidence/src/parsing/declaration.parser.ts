import { EvidenceParseError, ParsedEvidence, asArray, isRecord, text } from './parse-result';

/** Requirements of a framework as Assay publishes it (`GET /api/v1/frameworks/:key?format=cyclonedx`). */
const CODE_REQUIREMENT = /^urn:assay:framework:([a-z0-9-]{1,64}):([0-9A-Za-z.-]{1,32}):requirement:([0-9]+(?:\.[0-9]+){2})$/;
const MAX_LISTED = 500;

const score = (value: unknown): number | null => (isRecord(value) && typeof value['score'] === 'number' ? value['score'] : null);

/** Whether a CycloneDX document is a declaration (CycloneDX Attestations, "CDXA"). */
export function isCycloneDxDeclaration(document: Record<string, unknown>): boolean {
  return isRecord(document['declarations']);
}

/**
 * A CycloneDX 1.6+ declaration: its attestations (requirement, claims, conformance and confidence),
 * the Code claims they attest (requirements named by the `bom-ref`s Assay publishes for the Code)
 * and the affirmation. JSF signatures are recorded as present, not verified.
 */
export function parseCycloneDxDeclaration(document: Record<string, unknown>, specVersion: string): ParsedEvidence {
  if (!['1.6', '1.7'].includes(specVersion)) throw new EvidenceParseError(`declarations need CycloneDX 1.6 or later (the document is ${specVersion})`);
  const declarations = document['declarations'] as Record<string, unknown>;
  const attestations = asArray(declarations['attestations']).filter(isRecord);
  const requirements = new Set<string>();
  const codeClaims: { framework: string; version: string; claimId: string; conformance: number | null; confidence: number | null; rationale: string | null }[] =
    [];
  for (const attestation of attestations) {
    for (const entry of asArray(attestation['map']).filter(isRecord)) {
      const requirement = text(entry['requirement'], 300);
      if (requirement === null) continue;
      if (requirements.size < MAX_LISTED) requirements.add(requirement);
      const code = CODE_REQUIREMENT.exec(requirement);
      if (code && codeClaims.length < MAX_LISTED) {
        codeClaims.push({
          framework: code[1] as string,
          version: code[2] as string,
          claimId: code[3] as string,
          conformance: score(entry['conformance']),
          confidence: score(entry['confidence']),
          rationale: text(isRecord(entry['conformance']) ? entry['conformance']['rationale'] : null, 2000) ?? text(attestation['summary'], 2000),
        });
      }
    }
  }
  const affirmation = isRecord(declarations['affirmation']) ? declarations['affirmation'] : {};
  const signatories = asArray(affirmation['signatories']).filter(isRecord);
  const signed = isRecord(document['signature']) || isRecord(declarations['signature']) || isRecord(affirmation['signature']);
  return {
    kind: 'declaration',
    mediaType: 'application/vnd.cyclonedx+json',
    facts: {
      format: 'cyclonedx',
      specVersion,
      attestationCount: attestations.length,
      claimCount: asArray(declarations['claims']).length,
      requirements: [...requirements],
      codeClaims,
      affirmation: {
        statement: text(affirmation['statement'], 2000),
        signatories: signatories.slice(0, 50).map((signatory) => ({ name: text(signatory['name'], 200), role: text(signatory['role'], 200) })),
      },
      signed,
      signatureVerified: null,
      signer: null,
      ...(signed ? { verificationError: 'JSF signatures of declarations are not verified' } : {}),
    },
    validUntil: null,
  };
}
