import { updateReturning } from '@assay/shared/database';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { FindingSeverity, FindingStatus, FindingView } from './finding-view';

export interface FindingRow {
  tenant_id: string;
  id: string;
  assessment_id: string;
  supplier_id: string;
  claim_id: string;
  severity: FindingSeverity;
  title: string;
  description: string | null;
  status: FindingStatus;
  remediation_due_at: Date | null;
  risk_accepted_until: Date | null;
  remediation_plan: string | null;
  supplier_agreed: boolean | null;
  supplier_responded_at: Date | null;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
  overdue_notified_at: Date | null;
  overdue_notified_for: Date | null;
}

/** An unresolved finding past its remediation date whose lapse (for that date) is not announced yet. */
const LAPSED = `status in ('open', 'in_remediation') and remediation_due_at <= app.now() and overdue_notified_for is distinct from remediation_due_at`;
/** An accepted risk whose acceptance has run out. */
const ACCEPTANCE_ENDED = `status = 'accepted_risk' and risk_accepted_until <= app.now()`;

/** A finding as raised: what the view shows of it at creation, its due date as a date, and who raised it. */
export type NewFinding = Pick<FindingView, 'id' | 'assessmentId' | 'supplierId' | 'claimId' | 'severity' | 'title' | 'description'> & {
  remediationDueAt: Date | null;
  createdBy: string | null;
};

/** Findings raised on assessments' claims. */
@Injectable()
export class FindingsRepository {
  async insert(m: EntityManager, tenantId: string, finding: NewFinding): Promise<FindingRow> {
    const [row]: FindingRow[] = await m.query(
      `insert into assessments.findings (tenant_id, id, assessment_id, supplier_id, claim_id, severity, title, description, remediation_due_at, created_by)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning *`,
      [
        tenantId,
        finding.id,
        finding.assessmentId,
        finding.supplierId,
        finding.claimId,
        finding.severity,
        finding.title,
        finding.description,
        finding.remediationDueAt,
        finding.createdBy,
      ],
    );
    return row as FindingRow;
  }

  /** Newest first, after the cursor's id; `limit` rows at most. */
  async page(
    m: EntityManager,
    tenantId: string,
    filter: { supplierId?: string; status?: FindingStatus },
    afterId: string | number | null,
    limit: number,
  ): Promise<FindingRow[]> {
    return m.query(
      `select * from assessments.findings
       where tenant_id = $1 and ($2::uuid is null or supplier_id = $2) and ($3::text is null or status = $3) and ($4::uuid is null or id < $4::uuid)
       order by id desc limit $5`,
      [tenantId, filter.supplierId ?? null, filter.status ?? null, afterId, limit],
    );
  }

  async find(m: EntityManager, tenantId: string, id: string, lock = false): Promise<FindingRow | null> {
    const [row]: FindingRow[] = await m.query(`select * from assessments.findings where tenant_id = $1 and id = $2${lock ? ' for update' : ''}`, [
      tenantId,
      id,
    ]);
    return row ?? null;
  }

  /** The findings of one assessment, oldest first. */
  async ofAssessment(m: EntityManager, tenantId: string, assessmentId: string): Promise<FindingRow[]> {
    return m.query(`select * from assessments.findings where tenant_id = $1 and assessment_id = $2 order by id`, [tenantId, assessmentId]);
  }

  /** The findings of several assessments in one query, oldest first. */
  async ofAssessments(m: EntityManager, tenantId: string, assessmentIds: readonly string[]): Promise<FindingRow[]> {
    return m.query(`select * from assessments.findings where tenant_id = $1 and assessment_id = any($2::uuid[]) order by id`, [tenantId, assessmentIds]);
  }

  async updateStatus(m: EntityManager, tenantId: string, id: string, status: FindingStatus, riskAcceptedUntil: Date | null): Promise<FindingRow> {
    const [updated] = await updateReturning<FindingRow>(
      m,
      `update assessments.findings set status = $3, risk_accepted_until = $4, updated_at = app.now() where tenant_id = $1 and id = $2 returning *`,
      [tenantId, id, status, riskAcceptedUntil],
    );
    return updated as FindingRow;
  }

  /** Tenants (system role, across tenants) with a lapsed finding or an ended risk acceptance. */
  async tenantsWithFindingsDue(m: EntityManager, limit: number): Promise<string[]> {
    const rows: { tenant_id: string }[] = await m.query(
      `select tenant_id from assessments.findings where (${LAPSED}) or (${ACCEPTANCE_ENDED}) group by tenant_id limit $1`,
      [limit],
    );
    return rows.map((row) => row.tenant_id);
  }

  /**
   * Stamps up to `limit` of the tenant's lapsed findings as announced for their remediation date and
   * returns them (rows another dispatcher holds are skipped).
   */
  async announceLapses(m: EntityManager, tenantId: string, limit: number): Promise<FindingRow[]> {
    return updateReturning<FindingRow>(
      m,
      `with due as (select id from assessments.findings where tenant_id = $1 and ${LAPSED} order by remediation_due_at, id limit $2 for update skip locked)
       update assessments.findings f set overdue_notified_for = f.remediation_due_at, overdue_notified_at = app.now()
       from due where f.tenant_id = $1 and f.id = due.id returning f.*`,
      [tenantId, limit],
    );
  }

  /** The tenant's accepted risks whose acceptance has run out, locked (rows another dispatcher holds are skipped). */
  async lockEndedAcceptances(m: EntityManager, tenantId: string, limit: number): Promise<FindingRow[]> {
    return m.query(
      `select * from assessments.findings where tenant_id = $1 and ${ACCEPTANCE_ENDED} order by risk_accepted_until, id limit $2 for update skip locked`,
      [tenantId, limit],
    );
  }

  /** The supplier's remediation plan and whether it agrees. */
  async saveSupplierResponse(m: EntityManager, tenantId: string, id: string, remediationPlan: string, agreed: boolean): Promise<FindingRow> {
    const [updated] = await updateReturning<FindingRow>(
      m,
      `update assessments.findings set remediation_plan = $3, supplier_agreed = $4, supplier_responded_at = app.now(), updated_at = app.now() where tenant_id = $1 and id = $2 returning *`,
      [tenantId, id, remediationPlan, agreed],
    );
    return updated as FindingRow;
  }
}
