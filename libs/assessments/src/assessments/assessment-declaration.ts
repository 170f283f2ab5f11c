import type { FrameworkDocument } from '../catalogue/catalogue-document';
import { frameworkAsCycloneDx, nameUuid, requirementRef } from '../catalogue/cyclonedx-standard';
import type { AssessmentReport, ReportClaim, ReportEvidence } from './assessment-report';

/** The media type of a CycloneDX 1.6 JSON document. */
export const CYCLONEDX_MEDIA_TYPE = 'application/vnd.cyclonedx+json; version=1.6';

type Json = Record<string, unknown>;

/** How far an answer conforms to its requirement (CycloneDX `conformance.score`, 0–1); none for N/A or no answer. */
const SCORES: Record<string, number> = { met: 1, partially_met: 0.5, not_met: 0 };

const claimRef = (claim: ReportClaim) => `claim:${claim.claimId}`;
const evidenceRef = (evidence: ReportEvidence) => `evidence:${evidence.id}`;

function evidenceEntry(evidence: ReportEvidence): Json {
  return {
    'bom-ref': evidenceRef(evidence),
    propertyName: `assay:evidence:${evidence.kind ?? 'unknown'}`,
    description: `${evidence.kind ?? 'Evidence'} ${evidence.id}${evidence.checks.length ? `; checks: ${evidence.checks.map((check) => `${check.key} ${check.result}`).join(', ')}` : ''}`,
    // The content's SHA-256 as Assay stored it (null when it had none, such as a URL not fetched yet).
    data: evidence.sha256 ? [{ name: 'sha256', contents: { attachment: { contentType: 'text/plain', content: evidence.sha256 } } }] : [],
    ...(evidence.validUntil ? { expires: evidence.validUntil } : {}),
  };
}

/**
 * An assessment as a CycloneDX 1.6 declaration (CycloneDX Attestations): the Code as the standard its
 * requirements come from, the supplier (and product) as the target, each answer a claim with its
 * reasoning and evidence (each piece with its content's SHA-256 and validity), one attestation mapping
 * every claim of the Code to its requirement with a conformance score, and the SRO's latest
 * attestation as the affirmation (its signatory referring to the SHA-256 of the attested answers).
 */
export function assessmentAsCycloneDx(report: AssessmentReport, framework: FrameworkDocument): Json {
  const target = report.product ? 'target:product' : 'target:supplier';
  const answered = report.claims.filter((claim) => claim.answer !== null);
  const evidence = new Map(answered.flatMap((claim) => claim.evidence.map((item) => [item.id, item] as const)));
  const attestation = report.attestations.at(-1);
  return {
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    serialNumber: `urn:uuid:${nameUuid(`assessment:${report.assessment.id}:${attestation?.signedAt ?? report.assessment.createdAt}`)}`,
    version: 1,
    metadata: {
      timestamp: report.generatedAt,
      manufacturer: { name: 'Assay' },
      properties: [
        { name: 'assay:assessment:id', value: report.assessment.id },
        { name: 'assay:assessment:status', value: report.assessment.status },
        ...(report.score.overall === null ? [] : [{ name: 'assay:score:overall', value: String(report.score.overall) }]),
      ],
    },
    definitions: frameworkAsCycloneDx(framework).definitions,
    declarations: {
      targets: {
        organizations: [{ 'bom-ref': 'target:supplier', name: report.supplier.name, ...(report.supplier.website ? { url: [report.supplier.website] } : {}) }],
        ...(report.product
          ? {
              components: [
                {
                  type: 'application',
                  'bom-ref': 'target:product',
                  name: report.product.name,
                  ...(report.product.currentVersion ? { version: report.product.currentVersion } : {}),
                },
              ],
            }
          : {}),
      },
      assessors: [{ 'bom-ref': 'assessor:supplier', thirdParty: false, organization: { name: report.supplier.name } }],
      evidence: [...evidence.values()].map(evidenceEntry),
      claims: answered.map((claim) => ({
        'bom-ref': claimRef(claim),
        target,
        predicate: claim.claimText,
        reasoning: claim.justification ? `${claim.answer}: ${claim.justification}` : String(claim.answer),
        evidence: claim.evidence.map(evidenceRef),
      })),
      attestations: [
        {
          summary: `${report.supplier.name} against ${report.framework.name} ${report.framework.version} (Assay assessment ${report.assessment.id})`,
          assessor: 'assessor:supplier',
          map: report.claims.map((claim) => {
            const score = claim.answer === null ? undefined : SCORES[claim.answer];
            return {
              requirement: requirementRef(framework, claim.claimId),
              ...(claim.answer === null ? {} : claim.answer === 'not_met' ? { counterClaims: [claimRef(claim)] } : { claims: [claimRef(claim)] }),
              ...(score === undefined ? {} : { conformance: { score, rationale: claim.justification ?? claim.answer, mitigationStrategies: [] } }),
            };
          }),
        },
      ],
      ...(attestation
        ? {
            affirmation: {
              statement: `${attestation.name} (${attestation.role}) attested these answers on ${attestation.signedAt} as the supplier's Senior Responsible Owner.`,
              signatories: [
                {
                  name: attestation.name,
                  role: attestation.role,
                  organization: { name: report.supplier.name },
                  externalReference: {
                    type: 'attestation',
                    url: `urn:assay:assessment:${report.assessment.id}:attestation`,
                    comment: `SHA-256 of the attested answers: ${attestation.responsesSha256}`,
                  },
                },
              ],
            },
          }
        : {}),
    },
  };
}
