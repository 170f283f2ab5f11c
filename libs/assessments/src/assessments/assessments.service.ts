import { TenantIdentity } from '@assay/shared/contracts';
import { TenantDatabase } from '@assay/shared/database';
import { ConflictProblem, NotFoundProblem, Page, ProblemException, decodeCursor, toPage } from '@assay/shared/http';
import { Injectable } from '@nestjs/common';
import { audit, emit } from '../assessments-writes';
import { CatalogueService } from '../catalogue/catalogue.service';
import { PortalTokensRepository } from '../portal/portal-tokens.repository';
import { IssuedPortalLink, PortalTokensService } from '../portal/portal-tokens.service';
import { ProductsRepository } from '../suppliers/products.repository';
import type { ContactRow } from '../suppliers/supplier-contacts.repository';
import { AssessmentDrafts } from './assessment-drafts';
import { AssessmentDueDates, checkedDueAt } from './assessment-due-dates';
import { AssessmentReadModel } from './assessment-read-model';
import { AssessmentStatus, assertTransition } from './assessment-status';
import { AssessmentDetail, AssessmentSummary, recipientOf, summaryView } from './assessment-views';
import { CreateAssessmentDto } from './assessments.dto';
import { AssessmentRow, AssessmentsRepository } from './assessments.repository';

export const DEFAULT_FRAMEWORK = 'uk-sscop';

export type SentAssessment = AssessmentDetail & { recipients: { contactId: string; email: string; expiresAt: string }[] };

/** Assessments of a supplier against a framework version: creation, sending, cancellation. */
@Injectable()
export class AssessmentsService {
  constructor(
    private readonly database: TenantDatabase,
    private readonly catalogue: CatalogueService,
    private readonly assessments: AssessmentsRepository,
    private readonly products: ProductsRepository,
    private readonly portalTokens: PortalTokensService,
    private readonly tokens: PortalTokensRepository,
    private readonly reads: AssessmentReadModel,
    private readonly drafts: AssessmentDrafts,
    private readonly dueDates: AssessmentDueDates,
  ) {}

  async create(identity: TenantIdentity, input: CreateAssessmentDto): Promise<AssessmentDetail> {
    const tenantId = identity.tenantId;
    const dueAt = checkedDueAt(input.dueAt);
    const framework = await this.catalogue.findFramework(input.framework ?? DEFAULT_FRAMEWORK);
    if (!framework) throw new ProblemException(400, `Unknown framework ${input.framework}`, { errors: [{ field: 'framework', message: 'unknown framework' }] });
    return this.database.run(async (m) => {
      const supplier = await this.reads.supplier(m, tenantId, input.supplierId);
      if (supplier.status !== 'active') throw new ConflictProblem('The supplier is offboarded');
      // A current product of the supplier, or 404.
      if (input.productId) await this.products.find(m, tenantId, supplier.id, input.productId);
      const created = await this.drafts.open(m, supplier, framework, {
        productId: input.productId ?? null,
        dueAt,
        createdBy: identity.kind === 'user' ? identity.principalId : null,
        openedBy: 'user',
        carryForward: input.carryForward ?? true,
      });
      return this.reads.detail(m, created as AssessmentRow);
    }, tenantId);
  }

  async list(
    tenantId: string,
    filter: { supplierId?: string; status?: AssessmentStatus; overdue?: boolean },
    limit: number,
    cursor?: string,
  ): Promise<Page<AssessmentSummary>> {
    const after = decodeCursor(cursor, ['uuid']);
    const rows = await this.database.run((m) => this.assessments.page(m, tenantId, filter, after?.[0] ?? null, limit + 1), tenantId);
    const page = toPage(rows, limit, (row) => [row.id]);
    return { data: page.data.map(summaryView), nextCursor: page.nextCursor };
  }

  /** The assessments of the given suppliers, newest first (one query for a page of suppliers). */
  async listForSuppliers(tenantId: string, supplierIds: string[]): Promise<AssessmentSummary[]> {
    return (await this.database.run((m) => this.assessments.listForSuppliers(m, tenantId, supplierIds), tenantId)).map(summaryView);
  }

  /** The assessment as the API shows it; with `changedOnly`, only the claims changed since the previous assessment. */
  async get(tenantId: string, id: string, options: { changedOnly?: boolean } = {}): Promise<AssessmentDetail> {
    const detail = await this.database.run(async (m) => this.reads.detail(m, await this.reads.assessment(m, tenantId, id)), tenantId);
    return options.changedOnly ? { ...detail, claims: detail.claims.filter((claim) => claim.changedSincePrevious === true) } : detail;
  }

  /**
   * Sends a draft: one portal link per recipient, carried to them by `assessment.sent`. Scheduled
   * reassessment sends with its system identity for the tenant.
   */
  async send(identity: TenantIdentity, id: string, contactIds?: string[]): Promise<SentAssessment> {
    const tenantId = identity.tenantId;
    return this.database.run(async (m) => {
      const row = await this.reads.assessment(m, tenantId, id, true);
      assertTransition(row.status, 'sent');
      const contacts = await this.reads.contacts(m, row);
      const chosen = contactIds ? contactIds.map((contactId) => contacts.find((contact) => contact.id === contactId)) : contacts;
      if (chosen.some((contact) => contact === undefined)) throw new NotFoundProblem('Contact');
      if (chosen.length === 0) throw new ConflictProblem('The supplier has no contacts to send the assessment to');
      const links: IssuedPortalLink[] = [];
      for (const contact of chosen as ContactRow[]) {
        const minted = this.portalTokens.mint(tenantId, row.id, contact.id, identity.principalId, row.due_at);
        await this.tokens.insert(m, tenantId, minted.row);
        links.push(minted.link);
      }
      const sent = await this.assessments.markSent(m, row);
      const recipients = (chosen as ContactRow[]).map((contact, index) =>
        recipientOf(contact, this.portalTokens.sealedForDelivery(tenantId, links[index] as IssuedPortalLink)),
      );
      await audit(m, tenantId, {
        action: 'assessment.sent',
        targetType: 'assessment',
        targetId: id,
        changes: { status: { from: row.status, to: 'sent' }, recipients: recipients.map((recipient) => recipient.email) },
      });
      await emit(m, tenantId, 'assessment.sent', await this.reads.eventData(m, sent, { recipients }));
      return {
        ...(await this.reads.detail(m, sent)),
        recipients: links.map((link, index) => ({ contactId: link.contactId, email: (chosen[index] as ContactRow).email, expiresAt: link.expiresAt })),
      };
    }, tenantId);
  }

  /** Moves the due date of an open assessment (see `AssessmentDueDates`). */
  async moveDueDate(identity: TenantIdentity, id: string, input: { dueAt: string; reason?: string }): Promise<AssessmentDetail> {
    const tenantId = identity.tenantId;
    const dueAt = checkedDueAt(input.dueAt);
    return this.database.run(async (m) => {
      const row = await this.reads.assessment(m, tenantId, id, true);
      const moved = await this.dueDates.move(m, identity, row, dueAt, input.reason?.trim() || null);
      return this.reads.detail(m, moved);
    }, tenantId);
  }

  async cancel(identity: TenantIdentity, id: string): Promise<AssessmentDetail> {
    const tenantId = identity.tenantId;
    return this.database.run(async (m) => {
      const row = await this.reads.assessment(m, tenantId, id, true);
      assertTransition(row.status, 'cancelled');
      const cancelled = await this.assessments.markCancelled(m, row);
      await this.tokens.expireAll(m, tenantId, id);
      await audit(m, tenantId, {
        action: 'assessment.cancelled',
        targetType: 'assessment',
        targetId: id,
        changes: { status: { from: row.status, to: 'cancelled' } },
      });
      await emit(m, tenantId, 'assessment.cancelled', await this.reads.eventData(m, cancelled));
      return this.reads.detail(m, cancelled);
    }, tenantId);
  }
}
