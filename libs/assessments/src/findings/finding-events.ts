import type { FindingEventData } from '@assay/shared/contracts';
import type { EntityManager } from 'typeorm';
import type { AssessmentReadModel } from '../assessments/assessment-read-model';
import { recipientOf } from '../assessments/assessment-views';
import type { AssessmentRow } from '../assessments/assessments.repository';
import type { FindingRow } from './findings.repository';

/** The data of a `finding.*` event: the finding, its supplier's name and the assessment's recipients. */
export async function findingEventData(
  reads: AssessmentReadModel,
  m: EntityManager,
  finding: FindingRow,
  options: { assessment?: AssessmentRow; riskAcceptedUntil?: Date | null } = {},
): Promise<FindingEventData> {
  const supplier = await reads.supplier(m, finding.tenant_id, finding.supplier_id);
  const row = options.assessment ?? (await reads.assessment(m, finding.tenant_id, finding.assessment_id));
  const riskAcceptedUntil = options.riskAcceptedUntil !== undefined ? options.riskAcceptedUntil : finding.risk_accepted_until;
  return {
    findingId: finding.id,
    assessmentId: finding.assessment_id,
    supplierId: finding.supplier_id,
    supplierName: supplier.name,
    claimId: finding.claim_id,
    severity: finding.severity,
    title: finding.title,
    status: finding.status,
    remediationDueAt: finding.remediation_due_at?.toISOString() ?? null,
    riskAcceptedUntil: riskAcceptedUntil?.toISOString() ?? null,
    recipients: (await reads.contacts(m, row)).map((contact) => recipientOf(contact)),
  };
}
