import { clock } from '@assay/shared/clock';
import { APP_CONFIG, AppConfig } from '@assay/shared/config';
import { JobName, type InquiryAnswer, type PortalIdentity, type TenantIdentity } from '@assay/shared/contracts';
import { TenantDatabase, newId } from '@assay/shared/database';
import { ConflictProblem, NotFoundProblem, ProblemException } from '@assay/shared/http';
import { JobProducer } from '@assay/shared/queue';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AdvisoriesRepository, type AdvisorySummary } from '../advisories/advisories.repository';
import { matchingLock } from '../advisories/advisory-exposures.repository';
import { audit, emit, requestPrincipal } from '../evidence-writes';
import type { CreateInquiriesDto, InquiryAnswerDto } from './inquiries.dto';
import { AnswerProblem, answerProblem } from './inquiry-answer';
import { InquiryAnswersService, NOT_A_VEX, eventData } from './inquiry-answers.service';
import { Inquiry, InquiryContext, InquiriesRepository, InquiryStatus, VexUploadOutcome, VexUploadRow, inquiryView } from './inquiries.repository';
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

/** A VEX uploaded through an inquiry link, and what came of it. */
export interface InquiryVexUpload {
  evidenceId: string;
  filename: string | null;
  sha256: string | null;
  size: number | null;
  uploadedAt: string;
  /**
   * `processing` until the worker has read it; `answered` when it answered the inquiry; `unanswered`
   * when it was kept as evidence but says nothing that answers the inquiry; `rejected` when it is not
   * a VEX document that could be read.
   */
  status: 'processing' | VexUploadOutcome;
  /** The answer taken from it (`answered` only). */
  answer: InquiryAnswer | null;
  /** Why it did not answer the inquiry (`unanswered`, `rejected`): the field at fault and what is wrong. */
  problem: AnswerProblem | null;
  settledAt: string | null;
}

const MAX_VEX_UPLOADS_LISTED = 50;

/** An inquiry upload as the link shows it: its own outcome once settled, else what its evidence's state says. */
function vexUploadView(row: VexUploadRow): InquiryVexUpload {
  const base = {
    evidenceId: row.evidence_id,
    filename: row.filename,
    sha256: row.sha256,
    size: row.size === null ? null : Number(row.size),
    uploadedAt: row.created_at.toISOString(),
    settledAt: row.settled_at?.toISOString() ?? null,
  };
  if (row.outcome) return { ...base, status: row.outcome, answer: row.answer, problem: row.problem };
  if (row.evidence_status === 'failed' || row.evidence_status === 'rejected')
    return { ...base, status: 'rejected', answer: null, problem: { field: 'file', message: `could not be read: ${row.error ?? row.evidence_status}` } };
  if (row.evidence_status === 'processed' && row.kind !== 'vex')
    return { ...base, status: 'rejected', answer: null, problem: { ...NOT_A_VEX, message: `${NOT_A_VEX.message} (it was read as ${row.kind ?? 'unknown'})` } };
  return { ...base, status: 'processing', answer: null, problem: null };
}

export interface CreatedInquiries {
  /** One inquiry per supplier asked. */
  data: Inquiry[];
  /** Suppliers left out because they were asked about this advisory before. */
  alreadyAskedSupplierIds: string[];
}

const invalid = (field: string, message: string) => new ProblemException(400, `${field} ${message}`, { errors: [{ field, message }] });

/** An answer as OpenVEX allows it (see `answerProblem`). */
function checkedAnswer(input: InquiryAnswerDto): InquiryAnswer {
  const answer: InquiryAnswer = {
    status: input.status,
    ...(input.justification ? { justification: input.justification } : {}),
    ...(input.impactStatement ? { impactStatement: input.impactStatement } : {}),
    ...(input.fixedIn ? { fixedIn: input.fixedIn } : {}),
    ...(input.actionStatement ? { actionStatement: input.actionStatement } : {}),
  };
  const problem = answerProblem(answer);
  if (problem) throw invalid(problem.field, problem.message);
  return answer;
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
    private readonly answers: InquiryAnswersService,
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

  /**
   * The supplier's answer through the inquiry link: recorded, applied to their exposures, announced.
   * It holds the tenant's matching lock, as matching does: a match running at the same moment would
   * otherwise store exposures the answer's update could not see, without the answer.
   */
  async answer(identity: PortalIdentity, input: InquiryAnswerDto): Promise<PortalInquiryView> {
    const tenantId = identity.tenantId;
    const answer = checkedAnswer(input);
    await this.database.run(
      async (m) => {
        const inquiry = await this.ofLink(m, identity, { lock: true });
        await this.answers.record(m, tenantId, inquiry, answer, identity.portal.contactId, null);
      },
      tenantId,
      { lock: matchingLock(tenantId) },
    );
    return this.forPortal(identity);
  }

  /** The VEX documents uploaded through the inquiry link, newest first, each with what came of it. */
  async vexUploads(identity: PortalIdentity): Promise<{ data: InquiryVexUpload[] }> {
    return { data: await this.vexUploadsOfLink(identity, MAX_VEX_UPLOADS_LISTED, null) };
  }

  /** One VEX uploaded through the inquiry link, with what came of it so far. */
  async vexUpload(identity: PortalIdentity, evidenceId: string): Promise<InquiryVexUpload> {
    const [found] = await this.vexUploadsOfLink(identity, 1, evidenceId);
    if (!found) throw new NotFoundProblem(`VEX upload ${evidenceId}`);
    return found;
  }

  private vexUploadsOfLink(identity: PortalIdentity, limit: number, evidenceId: string | null): Promise<InquiryVexUpload[]> {
    const tenantId = identity.tenantId;
    return this.database.run(async (m) => {
      const inquiry = await this.ofLink(m, identity);
      return (await this.inquiries.vexUploadsOf(m, tenantId, inquiry.id, limit, evidenceId)).map(vexUploadView);
    }, tenantId);
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
