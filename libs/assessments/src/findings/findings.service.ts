import { clock } from '@assay/shared/clock';
import { AssessmentRecipient, FindingEventData, PortalIdentity, TenantIdentity } from '@assay/shared/contracts';
import { TenantDatabase, newId } from '@assay/shared/database';
import { ConflictProblem, NotFoundProblem, Page, ProblemException, decodeCursor, toPage } from '@assay/shared/http';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { audit, emit } from '../assessments-writes';
import { AssessmentReadModel } from '../assessments/assessment-read-model';
import type { AssessmentRow } from '../assessments/assessments.repository';
import { PortalTokensService } from '../portal/portal-tokens.service';
import { SuppliersRepository } from '../suppliers/suppliers.repository';
import { FindingStatus, FindingView, UNRESOLVED_FINDING_STATUSES, assertFindingTransition, findingView } from './finding-view';
import { CreateFindingDto, PortalFindingDto } from './findings.dto';
import { findingEventData } from './finding-events';
import { FindingRow, FindingsRepository } from './findings.repository';

const MAX_REMEDIATION_MS = 5 * 366 * 86_400_000;
/** The most findings one portal answer lists (a supplier holds far fewer in practice). */
const PORTAL_FINDINGS_LIMIT = 500;
const isUnresolved = (status: FindingStatus) => UNRESOLVED_FINDING_STATUSES.includes(status);

/** Findings raised on an assessment's claims, their remediation and the supplier's agreement. */
@Injectable()
export class FindingsService {
  constructor(
    private readonly database: TenantDatabase,
    private readonly findings: FindingsRepository,
    private readonly suppliers: SuppliersRepository,
    private readonly reads: AssessmentReadModel,
    private readonly portalTokens: PortalTokensService,
  ) {}

  async create(identity: TenantIdentity, assessmentId: string, input: CreateFindingDto): Promise<FindingView> {
    const tenantId = identity.tenantId;
    const remediationDueAt = input.remediationDueAt ? new Date(input.remediationDueAt) : null;
    if (remediationDueAt && (remediationDueAt.getTime() <= clock.nowMs() || remediationDueAt.getTime() > clock.nowMs() + MAX_REMEDIATION_MS)) {
      throw new ProblemException(400, 'remediationDueAt must be a future date at most five years ahead', {
        errors: [{ field: 'remediationDueAt', message: 'out of range' }],
      });
    }
    return this.database.run(async (m) => {
      const assessment = await this.reads.assessment(m, tenantId, assessmentId, true);
      if (!assessment.claim_ids.includes(input.claimId))
        throw new ProblemException(400, `Claim ${input.claimId} is not in this assessment`, { errors: [{ field: 'claimId', message: 'unknown claim' }] });
      if (assessment.status === 'draft' || assessment.status === 'cancelled')
        throw new ConflictProblem(`Findings cannot be raised on a ${assessment.status} assessment`);
      const finding = await this.findings.insert(m, tenantId, {
        id: newId(),
        assessmentId,
        supplierId: assessment.supplier_id,
        claimId: input.claimId,
        severity: input.severity,
        title: input.title.trim(),
        description: input.description?.trim() || null,
        remediationDueAt,
        createdBy: identity.kind === 'user' ? identity.principalId : null,
      });
      await this.countOpen(m, finding, +1);
      await audit(m, tenantId, {
        action: 'finding.created',
        targetType: 'finding',
        targetId: finding.id,
        changes: { assessmentId, claimId: finding.claim_id, severity: finding.severity, title: finding.title },
      });
      const data = await this.eventData(m, finding, assessment);
      await emit(m, tenantId, 'finding.created', { ...data, recipients: await this.withFindingsLinks(m, finding, data.recipients ?? []) });
      return findingView(finding);
    }, tenantId);
  }

  async list(tenantId: string, filter: { supplierId?: string; status?: FindingStatus }, limit: number, cursor?: string): Promise<Page<FindingView>> {
    const after = decodeCursor(cursor, ['uuid']);
    const rows = await this.database.run((m) => this.findings.page(m, tenantId, filter, after?.[0] ?? null, limit + 1), tenantId);
    const page = toPage(rows, limit, (row) => [row.id]);
    return { data: page.data.map(findingView), nextCursor: page.nextCursor };
  }

  async get(tenantId: string, id: string): Promise<FindingView> {
    return findingView(await this.database.run((m) => this.find(m, tenantId, id), tenantId));
  }

  /** The findings of several assessments in one query, oldest first (GraphQL batches a page's). */
  async ofAssessments(tenantId: string, assessmentIds: readonly string[]): Promise<FindingView[]> {
    const rows = await this.database.run((m) => this.findings.ofAssessments(m, tenantId, assessmentIds), tenantId);
    return rows.map(findingView);
  }

  /** Moves a finding along `open → in_remediation → resolved | accepted_risk`; accepting a risk needs a future expiry. */
  async update(identity: TenantIdentity, id: string, status: FindingStatus, riskAcceptedUntil?: string): Promise<FindingView> {
    const tenantId = identity.tenantId;
    const until = riskAcceptedUntil ? new Date(riskAcceptedUntil) : null;
    if (status === 'accepted_risk' && (!until || until.getTime() <= clock.nowMs())) {
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
      const finding = await this.findings.updateStatus(m, tenantId, id, status, until);
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

  /**
   * Each recipient of a new finding gets a findings link (scoped to the supplier's findings, lasting
   * past the remediation date), sealed in the event for the email that delivers it; the finding
   * reminders carry the same link.
   */
  private async withFindingsLinks(m: EntityManager, finding: FindingRow, recipients: AssessmentRecipient[]): Promise<AssessmentRecipient[]> {
    const linked: AssessmentRecipient[] = [];
    const scope = { link: 'findings', remediationDueAt: finding.remediation_due_at } as const;
    for (const recipient of recipients) {
      const portalUrl = await this.portalTokens.issueScopedLink(m, finding.tenant_id, finding.assessment_id, recipient.contactId, scope, {
        findingId: finding.id,
      });
      linked.push({ ...recipient, portalUrl });
    }
    return linked;
  }

  /**
   * The findings a portal link may see: an assessment link those of its assessment, a findings link
   * every finding of the supplier it was issued for (completed assessments included).
   */
  async forPortal(identity: PortalIdentity): Promise<FindingView[]> {
    const tenantId = identity.tenantId;
    return this.database.run(async (m) => {
      const assessment = await this.reads.assessment(m, tenantId, identity.portal.assessmentId);
      const rows =
        identity.portal.link === 'findings'
          ? await this.findings.page(m, tenantId, { supplierId: assessment.supplier_id }, null, PORTAL_FINDINGS_LIMIT)
          : await this.findings.ofAssessment(m, tenantId, assessment.id);
      return rows.map(findingView);
    }, tenantId);
  }

  /** Whether a portal link may answer the finding (see `forPortal`). */
  private async answerable(m: EntityManager, identity: PortalIdentity, finding: FindingRow): Promise<boolean> {
    if (identity.portal.link !== 'findings') return finding.assessment_id === identity.portal.assessmentId;
    const assessment = await this.reads.assessment(m, identity.tenantId, identity.portal.assessmentId);
    return finding.supplier_id === assessment.supplier_id;
  }

  /** The supplier's plan and agreement, through the portal: findings of the token's own assessment, or of its supplier for a findings link. */
  async respond(identity: PortalIdentity, id: string, input: PortalFindingDto): Promise<FindingView> {
    const tenantId = identity.tenantId;
    const { contactId } = identity.portal;
    return this.database.run(async (m) => {
      const before = await this.find(m, tenantId, id, true);
      if (!(await this.answerable(m, identity, before))) throw new NotFoundProblem('Finding');
      if (before.status === 'resolved') throw new ConflictProblem('The finding is resolved');
      const finding = await this.findings.saveSupplierResponse(m, tenantId, id, input.remediationPlan.trim(), input.agreed);
      await audit(m, tenantId, { action: 'finding.supplier_responded', targetType: 'finding', targetId: id, changes: { agreed: input.agreed, contactId } });
      await emit(m, tenantId, 'finding.updated', await this.eventData(m, finding));
      return findingView(finding);
    }, tenantId);
  }

  private async find(m: EntityManager, tenantId: string, id: string, lock = false): Promise<FindingRow> {
    const row = await this.findings.find(m, tenantId, id, lock);
    if (!row) throw new NotFoundProblem('Finding');
    return row;
  }

  /** Keeps the supplier's `openFindings` in the finding's transaction. */
  private async countOpen(m: EntityManager, finding: FindingRow, delta: number): Promise<void> {
    await this.suppliers.adjustOpenFindings(m, finding.tenant_id, finding.supplier_id, delta);
  }

  private eventData(m: EntityManager, finding: FindingRow, assessment?: AssessmentRow): Promise<FindingEventData> {
    return findingEventData(this.reads, m, finding, { assessment });
  }
}
