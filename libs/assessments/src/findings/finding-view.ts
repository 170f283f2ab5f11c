import { ConflictProblem } from '@assay/shared/http';
import type { FindingRow } from './findings.repository';

export const FINDING_SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type FindingSeverity = (typeof FINDING_SEVERITIES)[number];
export const FINDING_STATUSES = ['open', 'in_remediation', 'resolved', 'accepted_risk'] as const;
export type FindingStatus = (typeof FINDING_STATUSES)[number];

/**
 * `open → in_remediation → resolved | accepted_risk`; an accepted risk goes back into remediation
 * (when its acceptance runs out or is withdrawn). `resolved` is final.
 */
const FINDING_TRANSITIONS: Readonly<Record<FindingStatus, readonly FindingStatus[]>> = {
  open: ['in_remediation'],
  in_remediation: ['resolved', 'accepted_risk'],
  accepted_risk: ['in_remediation'],
  resolved: [],
};

/** Statuses counted in a supplier's `openFindings`. */
export const UNRESOLVED_FINDING_STATUSES: readonly FindingStatus[] = ['open', 'in_remediation'];

export function assertFindingTransition(from: FindingStatus, to: FindingStatus): void {
  if (!FINDING_TRANSITIONS[from].includes(to)) throw new ConflictProblem(`A finding that is ${from} cannot become ${to}`);
}

export interface FindingView {
  id: string;
  assessmentId: string;
  supplierId: string;
  claimId: string;
  severity: FindingSeverity;
  title: string;
  description: string | null;
  status: FindingStatus;
  remediationDueAt: string | null;
  riskAcceptedUntil: string | null;
  remediationPlan: string | null;
  supplierAgreed: boolean | null;
  supplierRespondedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export const findingView = (row: FindingRow): FindingView => ({
  id: row.id,
  assessmentId: row.assessment_id,
  supplierId: row.supplier_id,
  claimId: row.claim_id,
  severity: row.severity,
  title: row.title,
  description: row.description,
  status: row.status,
  remediationDueAt: row.remediation_due_at?.toISOString() ?? null,
  riskAcceptedUntil: row.risk_accepted_until?.toISOString() ?? null,
  remediationPlan: row.remediation_plan,
  supplierAgreed: row.supplier_agreed,
  supplierRespondedAt: row.supplier_responded_at?.toISOString() ?? null,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});
