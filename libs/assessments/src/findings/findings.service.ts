import { FindingEventData, Identity } from '@assay/shared/contracts';
import { TenantDatabase, newId, updateReturning } from '@assay/shared/database';
import { ConflictProblem, NotFoundProblem, Page, ProblemException, decodeCursor, toPage } from '@assay/shared/http';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { audit, emit } from '../assessments-writes';
import { AssessmentRow, AssessmentsService, recipientOf } from '../assessments/assessments.service';
import { SuppliersService } from '../suppliers/suppliers.service';
import { FindingRow, FindingStatus, FindingView, UNRESOLVED_FINDING_STATUSES, assertFindingTransition, findingView } from './finding-view';
import { CreateFindingDto, PortalFindingDto } from './findings.dto';

const MAX_REMEDIATION_MS = 5 * 366 * 86_400_000;
const isUnresolved = (status: FindingStatus) => UNRESOLVED_FINDING_STATUSES.includes(status);

/** Findings raised on an assessment's claims, their remediation and the supplier's agreement. */
@Injectable()
export class FindingsService {
  constructor(
    private readonly database: TenantDatabase,
    private readonly assessments: AssessmentsService,
    private readonly suppliers: SuppliersService,
  ) {}

  async create(identity: Identity, assessmentId: string, input: CreateFindingDto): Promise<FindingView> {
    const tenantId = identity.tenantId as string;
    const remediationDueAt = input.remediationDueAt ? new Date(input.remediationDueAt) : null;
    if (remediationDueAt && (remediationDueAt.getTime() <= Date.now() || remediationDueAt.getTime() > Date.now() + MAX_REMEDIATION_MS)) {
      throw new ProblemException(400, 'remediationDueAt must be a future date at most five years ahead', {
        errors: [{ field: 'remediationDueAt', message: 'out of range' }],
      });
    }
    return this.database.run(async (m) => {
      const assessment = await this.assessments.find(m, tenantId, assessmentId, true);
      if (!assessment.claim_ids.includes(input.claimId))
        throw new ProblemException(400, `Claim ${input.claimId} is not in this assessment`, { errors: [{ field: 'claimId', message: 'unknown claim' }] });
      if (assessment.status === 'draft' || assessment.status === 'cancelled')
        throw new ConflictProblem(`Findings cannot be raised on a ${assessment.status} assessment`);
      const [row]: FindingRow[] = await m.query(
        `insert into assessments.findings (tenant_id, id, assessment_id, supplier_id, claim_id, severity, title, description, remediation_due_at, created_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning *`,
        [
          tenantId,
          newId(),
          assessmentId,
          assessment.supplier_id,
          input.claimId,
          input.severity,
          input.title.trim(),
          input.description?.trim() || null,
          remediationDueAt,
          identity.kind === 'user' ? identity.principalId : null,
        ],
      );
      const finding = row as FindingRow;
      await this.countOpen(m, finding, +1);
      await audit(m, tenantId, {
        action: 'finding.created',
        targetType: 'finding',
        targetId: finding.id,
        changes: { assessmentId, claimId: finding.claim_id, severity: finding.severity, title: finding.title },
      });
      await emit(m, tenantId, 'finding.created', await this.eventData(m, finding, assessment));
      return findingView(finding);
    }, tenantId);
  }

  async list(tenantId: string, filter: { supplierId?: string; status?: FindingStatus }, limit: number, cursor?: string): Promise<Page<FindingView>> {
    const after = decodeCursor(cursor, ['uuid']);
    const rows: FindingRow[] = await this.database.run(
      (m) =>
        m.query(
          `select * from assessments.findings
           where tenant_id = $1 and ($2::uuid is null or supplier_id = $2) and ($3::text is null or status = $3) and ($4::uuid is null or id < $4::uuid)
           order by id desc limit $5`,
          [tenantId, filter.supplierId ?? null, filter.status ?? null, after?.[0] ?? null, limit + 1],
        ),
      tenantId,
    );
    const page = toPage(rows, limit, (row) => [row.id]);
    return { data: page.data.map(findingView), nextCursor: page.nextCursor };
  }

  async get(tenantId: string, id: string): Promise<FindingView> {
    return findingView(await this.database.run((m) => this.find(m, tenantId, id), tenantId));
  }

  /** Moves a finding along `open → in_remediation → resolved | accepted_risk`; accepting a risk needs a future expiry. */
  async update(identity: Identity, id: string, status: FindingStatus, riskAcceptedUntil?: string): Promise<FindingView> {
    const tenantId = identity.tenantId as string;
    const until = riskAcceptedUntil ? new Date(riskAcceptedUntil) : null;
    if (status === 'accepted_risk' && (!until || until.getTime() <= Date.now())) {
      throw new ProblemException(400, 'Accepting a risk needs a future riskAcceptedUntil', {
        errors: [{ field: 'riskAcceptedUntil', message: 'a future date is required for accepted_risk' }],
      });
    }
    if (status !== 'accepted_risk' && until)
      throw new ProblemException(400, 'riskAcceptedUntil only goes with accepted_risk', {
        errors: [{ field: 'riskAcceptedUntil', message: 'only for accepted_risk' }],
      });
    return this.database.run(async (m) => {
      const before = await this.find(m, tenantId, id, true);
      assertFindingTransition(before.status, status);
      const [updated] = await updateReturning<FindingRow>(
        m,
        `update assessments.findings set status = $3, risk_accepted_until = $4, updated_at = now() where tenant_id = $1 and id = $2 returning *`,
        [tenantId, id, status, until],
      );
      const finding = updated as FindingRow;
      if (isUnresolved(before.status) !== isUnresolved(finding.status)) await this.countOpen(m, finding, isUnresolved(finding.status) ? +1 : -1);
      await audit(m, tenantId, {
        action: 'finding.updated',
        targetType: 'finding',
        targetId: id,
        changes: { status: { from: before.status, to: finding.status }, ...(until ? { riskAcceptedUntil: until.toISOString() } : {}) },
      });
      await emit(m, tenantId, 'finding.updated', await this.eventData(m, finding));
      return findingView(finding);
    }, tenantId);
  }

  /** The supplier's plan and agreement, through the portal: only findings of the token's own assessment. */
  async respond(identity: Identity, id: string, input: PortalFindingDto): Promise<FindingView> {
    if (!identity.tenantId || !identity.portal) throw new NotFoundProblem('Finding');
    const tenantId = identity.tenantId;
    const { assessmentId, contactId } = identity.portal;
    return this.database.run(async (m) => {
      const before = await this.find(m, tenantId, id, true);
      if (before.assessment_id !== assessmentId) throw new NotFoundProblem('Finding');
      if (before.status === 'resolved') throw new ConflictProblem('The finding is resolved');
      const [updated] = await updateReturning<FindingRow>(
        m,
        `update assessments.findings set remediation_plan = $3, supplier_agreed = $4, supplier_responded_at = now(), updated_at = now() where tenant_id = $1 and id = $2 returning *`,
        [tenantId, id, input.remediationPlan.trim(), input.agreed],
      );
      const finding = updated as FindingRow;
      await audit(m, tenantId, { action: 'finding.supplier_responded', targetType: 'finding', targetId: id, changes: { agreed: input.agreed, contactId } });
      await emit(m, tenantId, 'finding.updated', await this.eventData(m, finding));
      return findingView(finding);
    }, tenantId);
  }

  private async find(m: EntityManager, tenantId: string, id: string, lock = false): Promise<FindingRow> {
    const [row]: FindingRow[] = await m.query(`select * from assessments.findings where tenant_id = $1 and id = $2${lock ? ' for update' : ''}`, [
      tenantId,
      id,
    ]);
    if (!row) throw new NotFoundProblem('Finding');
    return row;
  }

  /** Keeps the supplier's `openFindings` in the finding's transaction. */
  private async countOpen(m: EntityManager, finding: FindingRow, delta: number): Promise<void> {
    await m.query(`update assessments.suppliers set open_findings = greatest(open_findings + $3, 0) where tenant_id = $1 and id = $2`, [
      finding.tenant_id,
      finding.supplier_id,
      delta,
    ]);
  }

  private async eventData(m: EntityManager, finding: FindingRow, assessment?: AssessmentRow): Promise<FindingEventData> {
    const supplier = await this.suppliers.find(m, finding.tenant_id, finding.supplier_id);
    const row = assessment ?? (await this.assessments.find(m, finding.tenant_id, finding.assessment_id));
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
      recipients: (await this.assessments.contacts(m, row)).map((contact) => recipientOf(contact)),
    };
  }
}
