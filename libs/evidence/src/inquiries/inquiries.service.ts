import { clock } from '@assay/shared/clock';
import { APP_CONFIG, AppConfig } from '@assay/shared/config';
import { JobName, type InquiryAnswer, type InquiryEventData, type PortalIdentity, type TenantIdentity } from '@assay/shared/contracts';
import { TenantDatabase, newId } from '@assay/shared/database';
import { ConflictProblem, NotFoundProblem, ProblemException } from '@assay/shared/http';
import { JobProducer } from '@assay/shared/queue';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AdvisoriesRepository, type AdvisorySummary } from '../advisories/advisories.repository';
import { audit, emit, requestPrincipal } from '../evidence-writes';
import type { CreateInquiriesDto, InquiryAnswerDto } from './inquiries.dto';
import { Inquiry, InquiryContext, InquiriesRepository, InquiryStatus, inquiryView } from './inquiries.repository';
import { OpenVexDocument, openVexOf } from './openvex-export';

const DAY_MS = 86_400_000;
const MAX_DUE_DAYS = 366;
const TENANTS_PER_TICK = 5_000;
const OVERDUE_PER_JOB = 500;

/** What the inquiry link shows the supplier: the inquiry, the advisory, and their own components it names. */
export interface PortalInquiryView {
  inquiry: Pick<Inquiry, 'id' | 'status' | 'dueAt' | 'answer' | 'answeredAt' | 'createdAt'>;
  advisory: Omit<AdvisorySummary, 'source'>;
  supplier: { id: string; name: string };
  components: { purl: string; version: string | null; status: string; statusSource: string }[];
}

export interface CreatedInquiries {
  /** One inquiry per supplier asked. */
  data: Inquiry[];
  /** Suppliers left out because they were asked about this advisory before. */
  alreadyAskedSupplierIds: string[];
}

const invalid = (field: string, message: string) => new ProblemException(400, `${field} ${message}`, { errors: [{ field, message }] });

/** An answer as OpenVEX allows it: a justification only (and always) for `not_affected`, an action statement for `affected`. */
function checkedAnswer(input: InquiryAnswerDto): InquiryAnswer {
  if (input.status === 'not_affected' && !input.justification) throw invalid('justification', 'is required when the status is not_affected');
  if (input.status !== 'not_affected' && input.justification) throw invalid('justification', 'is only allowed when the status is not_affected');
  if (input.status !== 'not_affected' && input.impactStatement) throw invalid('impactStatement', 'is only allowed when the status is not_affected');
  if (input.status === 'affected' && !input.actionStatement) throw invalid('actionStatement', 'is required when the status is affected');
  if (input.status === 'not_affected' && input.actionStatement) throw invalid('actionStatement', 'is not allowed when the status is not_affected');
  if (input.status !== 'fixed' && input.fixedIn) throw invalid('fixedIn', 'is only allowed when the status is fixed');
  return {
    status: input.status,
    ...(input.justification ? { justification: input.justification } : {}),
    ...(input.impactStatement ? { impactStatement: input.impactStatement } : {}),
    ...(input.fixedIn ? { fixedIn: input.fixedIn } : {}),
    ...(input.actionStatement ? { actionStatement: input.actionStatement } : {}),
  };
}

/** What the inquiry events carry, within their schema's bounds (an advisory's ids and summary are cut to them). */
function eventData(context: InquiryContext): InquiryEventData {
  return {
    inquiryId: context.id,
    advisoryId: context.advisoryId,
    supplierId: context.supplierId,
    supplierName: context.supplierName,
    externalIds: context.externalIds.slice(0, 100).map((id) => id.slice(0, 200)),
    summary: context.summary?.slice(0, 5000) ?? null,
    dueAt: context.dueAt,
    status: context.status,
    internalOwnerUserId: context.internalOwnerUserId,
  };
}

/**
 * Supplier inquiries about an advisory: the customer asks each exposed supplier (or chosen ones) by a
 * due date (`inquiry.sent`; the assessments service mints each contact an inquiry link and
 * notifications emails it); the supplier answers through that link in OpenVEX terms, which sets the
 * status of every exposure of theirs to the advisory (`statusSource: "inquiry"`, `inquiry.answered`);
 * an inquiry unanswered at its due date turns `overdue` once (`inquiry.overdue`). The answers of an
 * advisory export as one OpenVEX document.
 */
@Injectable()
export class InquiriesService {
  constructor(
    private readonly database: TenantDatabase,
    private readonly inquiries: InquiriesRepository,
    private readonly advisories: AdvisoriesRepository,
    private readonly producer: JobProducer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async create(identity: TenantIdentity, advisoryId: string, input: CreateInquiriesDto): Promise<CreatedInquiries> {
    const tenantId = identity.tenantId;
    const dueAt = new Date(input.dueAt);
    if (dueAt.getTime() <= clock.nowMs()) throw invalid('dueAt', 'must be in the future');
    if (dueAt.getTime() > clock.nowMs() + MAX_DUE_DAYS * DAY_MS) throw invalid('dueAt', `must be at most ${MAX_DUE_DAYS} days ahead`);
    return this.database.run(async (m) => {
      if (!(await this.advisories.find(m, tenantId, advisoryId))) throw new NotFoundProblem(`Advisory ${advisoryId}`);
      const exposed = await this.inquiries.exposedSuppliers(m, tenantId, advisoryId);
      let chosen: string[];
      if (input.supplierIds) {
        const known = new Set(exposed.map((supplier) => supplier.supplierId));
        const strangers = input.supplierIds.filter((id) => !known.has(id));
        if (strangers.length)
          throw new ProblemException(422, `Not exposed to this advisory: ${strangers.slice(0, 10).join(', ')}`, {
            errors: [{ field: 'supplierIds', message: 'must name suppliers with a component the advisory names' }],
          });
        chosen = [...input.supplierIds].sort();
      } else {
        chosen = exposed.filter((supplier) => supplier.atRisk).map((supplier) => supplier.supplierId);
        if (!chosen.length) throw new ConflictProblem('No supplier has an exposure to this advisory that is affected or under investigation');
      }
      const ids = await this.inquiries.insertMany(m, tenantId, {
        advisoryId,
        dueAt,
        createdBy: requestPrincipal(),
        inquiries: chosen.map((supplierId) => ({ id: newId(), supplierId })),
      });
      const created = await this.inquiries.findMany(m, tenantId, ids);
      for (const context of created) {
        await emit(m, tenantId, 'inquiry.sent', eventData(context));
        await audit(m, tenantId, {
          action: 'inquiry.created',
          targetType: 'inquiry',
          targetId: context.id,
          changes: { advisoryId, supplierId: context.supplierId, dueAt: context.dueAt },
        });
      }
      const asked = new Set(created.map((context) => context.supplierId));
      return { data: created.map(inquiryView), alreadyAskedSupplierIds: chosen.filter((id) => !asked.has(id)) };
    }, tenantId);
  }

  async find(tenantId: string, id: string): Promise<Inquiry | null> {
    const found = await this.database.run((m) => this.inquiries.find(m, tenantId, id), tenantId);
    return found ? inquiryView(found) : null;
  }

  list(tenantId: string, filter: { advisoryId?: string; status?: InquiryStatus }, limit: number, after: { createdAt: string; id: string } | null) {
    return this.database.run((m) => this.inquiries.list(m, tenantId, filter, limit, after), tenantId);
  }

  /** The inquiry of the calling inquiry link. */
  async forPortal(identity: PortalIdentity): Promise<PortalInquiryView> {
    const tenantId = identity.tenantId;
    return this.database.run(async (m) => {
      const inquiry = await this.ofLink(m, identity);
      const advisory = await this.advisories.find(m, tenantId, inquiry.advisoryId);
      if (!advisory) throw new NotFoundProblem('Inquiry');
      const { source: _source, affected: _affected, notes: _notes, ...summary } = advisory;
      return {
        inquiry: {
          id: inquiry.id,
          status: inquiry.status,
          dueAt: inquiry.dueAt,
          answer: inquiry.answer,
          answeredAt: inquiry.answeredAt,
          createdAt: inquiry.createdAt,
        },
        advisory: summary,
        supplier: { id: inquiry.supplierId, name: inquiry.supplierName },
        components: await this.inquiries.componentsOf(m, tenantId, inquiry.advisoryId, inquiry.supplierId),
      };
    }, tenantId);
  }

  /** The supplier's answer through the inquiry link: recorded, applied to their exposures, announced. */
  async answer(identity: PortalIdentity, input: InquiryAnswerDto): Promise<PortalInquiryView> {
    const tenantId = identity.tenantId;
    const answer = checkedAnswer(input);
    await this.database.run(async (m) => {
      const inquiry = await this.ofLink(m, identity, { lock: true });
      await this.inquiries.answer(m, tenantId, inquiry.id, answer, identity.portal.contactId);
      await this.inquiries.applyAnswers(m, tenantId, { advisoryId: inquiry.advisoryId });
      await emit(m, tenantId, 'inquiry.answered', { ...eventData({ ...inquiry, status: 'answered' }), answer, contactId: identity.portal.contactId });
      await audit(m, tenantId, { action: 'inquiry.answered', targetType: 'inquiry', targetId: inquiry.id, changes: { ...answer } });
    }, tenantId);
    return this.forPortal(identity);
  }

  /** The answers about one advisory as one OpenVEX document; 409 while none has been given. */
  async openVex(tenantId: string, advisoryId: string): Promise<OpenVexDocument> {
    return this.database.run(async (m) => {
      const advisory = await this.advisories.find(m, tenantId, advisoryId);
      if (!advisory) throw new NotFoundProblem(`Advisory ${advisoryId}`);
      const answered = await this.inquiries.answeredOf(m, tenantId, advisoryId);
      if (!answered.length) throw new ConflictProblem('No supplier has answered an inquiry about this advisory yet');
      return openVexOf(`${this.config.publicUrl}/api/v1/advisories/${advisoryId}/vex`, advisory.externalIds, answered);
    }, tenantId);
  }

  /** The tick: one overdue dispatch per tenant with an unanswered inquiry past due. */
  async fanOut(): Promise<{ tenants: number }> {
    const tenants = await this.database.runAsSystem((m) => this.inquiries.tenantsWithOverdue(m, TENANTS_PER_TICK));
    return this.producer.fanOutPerTenant(JobName.InquiriesOverdueDispatch, tenants, 'inquiries-overdue');
  }

  /** Marks the tenant's lapsed inquiries overdue, each once, with `inquiry.overdue` in the same transaction. */
  async markOverdue(tenantId: string): Promise<{ overdue: number }> {
    return this.database.run(async (m) => {
      const ids = await this.inquiries.markOverdue(m, tenantId, OVERDUE_PER_JOB);
      for (const context of await this.inquiries.findMany(m, tenantId, ids)) await emit(m, tenantId, 'inquiry.overdue', eventData(context));
      return { overdue: ids.length };
    }, tenantId);
  }

  private async ofLink(m: EntityManager, identity: PortalIdentity, options: { lock?: boolean } = {}): Promise<InquiryContext> {
    const id = identity.portal.inquiryId;
    if (identity.portal.link !== 'inquiry' || !id) throw new ProblemException(403, 'This route needs an inquiry link');
    const inquiry = await this.inquiries.find(m, identity.tenantId, id, options);
    if (!inquiry) throw new NotFoundProblem('Inquiry');
    return inquiry;
  }
}
