import type { InquiryAnswer, InquiryAnswerStatus } from '@assay/shared/contracts';
import { updateReturning } from '@assay/shared/database';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ANSWER_STATEMENT, ExposureScope, exposureScope } from '../advisories/advisory-exposures.repository';
import type { RangeStatus } from '../advisories/version-ranges';
import type { VexStatement } from '../advisories/vex-statements';
import type { AnswerProblem } from './inquiry-answer';

export type InquiryStatus = 'sent' | 'overdue' | 'answered';

/** An inquiry as the customer reads it. */
export interface Inquiry {
  id: string;
  advisoryId: string;
  /** The advisory's ids (`GHSA-…`, `CVE-…`). */
  externalIds: string[];
  supplierId: string;
  supplierName: string;
  dueAt: string;
  status: InquiryStatus;
  /** The supplier's answer in OpenVEX terms, or null while unanswered. */
  answer: InquiryAnswer | null;
  answeredAt: string | null;
  /** The supplier contact whose link gave the answer. */
  answeredByContactId: string | null;
  overdueAt: string | null;
  createdAt: string;
}

/** What an event about an inquiry carries, beside the inquiry itself. */
export interface InquiryContext extends Inquiry {
  summary: string | null;
  internalOwnerUserId: string | null;
}

/** An answered inquiry with the components its answer covers, as the OpenVEX export reads it. */
export interface AnsweredInquiry {
  id: string;
  supplierId: string;
  supplierName: string;
  answer: InquiryAnswer;
  answeredAt: Date;
  revision: number;
  components: { purl: string; productId: string | null }[];
}

interface InquiryRow {
  id: string;
  advisory_id: string;
  external_ids: string[];
  summary: string | null;
  supplier_id: string;
  supplier_name: string;
  owner_user_id: string | null;
  due_at: Date;
  status: InquiryStatus;
  answer: InquiryAnswer | null;
  answered_at: Date | null;
  answered_by_contact_id: string | null;
  overdue_at: Date | null;
  created_at: Date;
}

const SELECT = `select i.id, i.advisory_id, a.external_ids, a.summary, i.supplier_id, s.name as supplier_name, s.owner_user_id, i.due_at, i.status,
                       i.answer, i.answered_at, i.answered_by_contact_id, i.overdue_at, i.created_at
                  from evidence.inquiries i
                  join evidence.advisories a on a.tenant_id = i.tenant_id and a.id = i.advisory_id
                  join evidence.suppliers s on s.tenant_id = i.tenant_id and s.id = i.supplier_id`;

const toContext = (row: InquiryRow): InquiryContext => ({
  id: row.id,
  advisoryId: row.advisory_id,
  externalIds: row.external_ids,
  supplierId: row.supplier_id,
  supplierName: row.supplier_name,
  dueAt: row.due_at.toISOString(),
  status: row.status,
  answer: row.answer,
  answeredAt: row.answered_at?.toISOString() ?? null,
  answeredByContactId: row.answered_by_contact_id,
  overdueAt: row.overdue_at?.toISOString() ?? null,
  createdAt: row.created_at.toISOString(),
  summary: row.summary,
  internalOwnerUserId: row.owner_user_id,
});

/** The customer's view: the context without what only events need. */
export function inquiryView(context: InquiryContext): Inquiry {
  const { summary: _summary, internalOwnerUserId: _owner, ...inquiry } = context;
  return inquiry;
}

/** What came of a VEX uploaded through an inquiry link. */
export type VexUploadOutcome = 'answered' | 'unanswered' | 'rejected';

/** An inquiry upload with its evidence's state, as stored. */
export interface VexUploadRow {
  evidence_id: string;
  contact_id: string | null;
  outcome: VexUploadOutcome | null;
  answer: InquiryAnswer | null;
  problem: AnswerProblem | null;
  created_at: Date;
  settled_at: Date | null;
  evidence_status: string;
  kind: string | null;
  error: string | null;
  filename: string | null;
  sha256: string | null;
  size: string | null;
}

/** Statuses that put a supplier at risk: the default set an inquiry goes to. */
const AT_RISK: readonly InquiryAnswerStatus[] = ['affected', 'under_investigation'];

/** Supplier inquiries about advisories, and the statements their answers make on exposures. */
@Injectable()
export class InquiriesRepository {
  /** The suppliers with an exposure to the advisory, each with whether one of its exposures is at risk. */
  async exposedSuppliers(manager: EntityManager, tenantId: string, advisoryId: string): Promise<{ supplierId: string; atRisk: boolean }[]> {
    const rows: { supplier_id: string; at_risk: boolean }[] = await manager.query(
      `select supplier_id, bool_or(status = any($3::text[])) as at_risk
         from evidence.advisory_exposures where tenant_id = $1 and advisory_id = $2
        group by supplier_id order by supplier_id`,
      [tenantId, advisoryId, AT_RISK],
    );
    return rows.map((row) => ({ supplierId: row.supplier_id, atRisk: row.at_risk }));
  }

  /** New inquiries to the given suppliers; suppliers already asked about the advisory are left as they are. The ids created. */
  async insertMany(
    manager: EntityManager,
    tenantId: string,
    input: { advisoryId: string; dueAt: Date; createdBy: string | null; inquiries: { id: string; supplierId: string }[] },
  ): Promise<string[]> {
    if (input.inquiries.length === 0) return [];
    const rows: { id: string }[] = await manager.query(
      `insert into evidence.inquiries (tenant_id, id, advisory_id, supplier_id, due_at, created_by, created_at)
       select $1, x.id, $2, x."supplierId", $3, $4, date_trunc('milliseconds', app.now())
         from json_to_recordset($5::json) as x(id uuid, "supplierId" uuid)
       on conflict (tenant_id, advisory_id, supplier_id) do nothing
       returning id`,
      [tenantId, input.advisoryId, input.dueAt, input.createdBy, JSON.stringify(input.inquiries)],
    );
    return rows.map((row) => row.id);
  }

  async find(manager: EntityManager, tenantId: string, id: string, options: { lock?: boolean } = {}): Promise<InquiryContext | null> {
    return (await this.findMany(manager, tenantId, [id], options))[0] ?? null;
  }

  /** Several inquiries by id, oldest first; unknown ids are left out. */
  async findMany(manager: EntityManager, tenantId: string, ids: string[], options: { lock?: boolean } = {}): Promise<InquiryContext[]> {
    if (ids.length === 0) return [];
    const rows: InquiryRow[] = await manager.query(
      `${SELECT} where i.tenant_id = $1 and i.id = any($2::uuid[]) order by i.created_at, i.id${options.lock ? ' for update of i' : ''}`,
      [tenantId, ids],
    );
    return rows.map(toContext);
  }

  /** The tenant's inquiries, newest first, by advisory and status. */
  async list(
    manager: EntityManager,
    tenantId: string,
    filter: { advisoryId?: string; status?: InquiryStatus },
    limit: number,
    after: { createdAt: string; id: string } | null,
  ): Promise<Inquiry[]> {
    const rows: InquiryRow[] = await manager.query(
      `${SELECT}
        where i.tenant_id = $1
          and ($2::uuid is null or i.advisory_id = $2)
          and ($3::text is null or i.status = $3)
          and ($4::timestamptz is null or (i.created_at, i.id) < ($4::timestamptz, $5::uuid))
        order by i.created_at desc, i.id desc
        limit $6`,
      [tenantId, filter.advisoryId ?? null, filter.status ?? null, after?.createdAt ?? null, after?.id ?? null, limit],
    );
    return rows.map((row) => inquiryView(toContext(row)));
  }

  /** Records the supplier's answer, given on the page or taken from the VEX `evidenceId` (a later answer replaces an earlier one). */
  async answer(
    manager: EntityManager,
    tenantId: string,
    id: string,
    answer: InquiryAnswer,
    contactId: string | null,
    evidenceId: string | null = null,
  ): Promise<void> {
    await manager.query(
      `update evidence.inquiries
          set status = 'answered', answer = $3::jsonb, answered_at = date_trunc('milliseconds', app.now()), answered_by_contact_id = $4,
              answer_revision = answer_revision + 1, answer_evidence_id = $5
        where tenant_id = $1 and id = $2`,
      [tenantId, id, JSON.stringify(answer), contactId, evidenceId],
    );
  }

  /**
   * The answer speaks for the supplier on this advisory: every exposure of the supplier to it takes the
   * answer's status, with `statusSource: "inquiry"` and the statement kept in OpenVEX's words. Matching
   * applies it again to exposures found later (see `applyAnswers`). An answer taken from a VEX leaves
   * the exposures to that VEX's own statements (`statusSource: "vex"`, see `applyVex`).
   */
  async applyAnswers(manager: EntityManager, tenantId: string, scope: ExposureScope): Promise<void> {
    const [column, value] = exposureScope(scope);
    await manager.query(
      `update evidence.advisory_exposures x
          set status = i.answer->>'status', status_source = 'inquiry', statement = ${ANSWER_STATEMENT}
         from evidence.inquiries i
        where x.tenant_id = $1 and x.${column} = $2
          and i.tenant_id = x.tenant_id and i.advisory_id = x.advisory_id and i.supplier_id = x.supplier_id and i.status = 'answered'
          and i.answer_evidence_id is null`,
      [tenantId, value],
    );
  }

  /** The answered inquiries of one advisory with the components each answer covers, by supplier name. */
  async answeredOf(manager: EntityManager, tenantId: string, advisoryId: string): Promise<AnsweredInquiry[]> {
    const rows: {
      id: string;
      supplier_id: string;
      supplier_name: string;
      answer: InquiryAnswer;
      answered_at: Date;
      answer_revision: number;
      components: { purl: string; productId: string | null }[] | null;
    }[] = await manager.query(
      `select i.id, i.supplier_id, s.name as supplier_name, i.answer, i.answered_at, i.answer_revision,
              (select json_agg(json_build_object('purl', c.purl, 'productId', c.product_id) order by c.purl)
                 from (select distinct x.purl, x.product_id from evidence.advisory_exposures x
                        where x.tenant_id = i.tenant_id and x.advisory_id = i.advisory_id and x.supplier_id = i.supplier_id) c) as components
         from evidence.inquiries i join evidence.suppliers s on s.tenant_id = i.tenant_id and s.id = i.supplier_id
        where i.tenant_id = $1 and i.advisory_id = $2 and i.status = 'answered'
        order by s.name, i.id`,
      [tenantId, advisoryId],
    );
    return rows.map((row) => ({
      id: row.id,
      supplierId: row.supplier_id,
      supplierName: row.supplier_name,
      answer: row.answer,
      answeredAt: row.answered_at,
      revision: row.answer_revision,
      components: row.components ?? [],
    }));
  }

  /** The components of the supplier the advisory names, as the inquiry link shows them. */
  async componentsOf(
    manager: EntityManager,
    tenantId: string,
    advisoryId: string,
    supplierId: string,
  ): Promise<{ purl: string; version: string | null; status: string; statusSource: string }[]> {
    const rows: { purl: string; version: string | null; status: string; status_source: string }[] = await manager.query(
      `select distinct purl, version, status, status_source from evidence.advisory_exposures
        where tenant_id = $1 and advisory_id = $2 and supplier_id = $3 order by purl limit 1000`,
      [tenantId, advisoryId, supplierId],
    );
    return rows.map((row) => ({ purl: row.purl, version: row.version, status: row.status, statusSource: row.status_source }));
  }

  /** The purls of the supplier's components the advisory names. */
  async exposedPurls(manager: EntityManager, tenantId: string, advisoryId: string, supplierId: string): Promise<string[]> {
    const rows: { purl: string }[] = await manager.query(
      `select distinct purl from evidence.advisory_exposures where tenant_id = $1 and advisory_id = $2 and supplier_id = $3 order by purl`,
      [tenantId, advisoryId, supplierId],
    );
    return rows.map((row) => row.purl);
  }

  /** A VEX uploaded through an inquiry link, to be settled once the worker has read it; false when it was uploaded for the inquiry before. */
  async addVexUpload(
    manager: EntityManager,
    tenantId: string,
    upload: { id: string; inquiryId: string; evidenceId: string; contactId: string },
  ): Promise<boolean> {
    const rows: { id: string }[] = await manager.query(
      `insert into evidence.inquiry_vex_uploads (tenant_id, id, inquiry_id, evidence_id, contact_id, created_at)
       values ($1, $2, $3, $4, $5, date_trunc('milliseconds', app.now()))
       on conflict (tenant_id, inquiry_id, evidence_id) do nothing
       returning id`,
      [tenantId, upload.id, upload.inquiryId, upload.evidenceId, upload.contactId],
    );
    return rows.length > 0;
  }

  /** The unsettled inquiry uploads of one piece of evidence, locked: a replay running alongside waits, then finds none. */
  async pendingVexUploads(
    manager: EntityManager,
    tenantId: string,
    evidenceId: string,
  ): Promise<{ id: string; inquiryId: string; contactId: string | null }[]> {
    const rows: { id: string; inquiry_id: string; contact_id: string | null }[] = await manager.query(
      `select id, inquiry_id, contact_id from evidence.inquiry_vex_uploads
        where tenant_id = $1 and evidence_id = $2 and settled_at is null order by created_at, id for update`,
      [tenantId, evidenceId],
    );
    return rows.map((row) => ({ id: row.id, inquiryId: row.inquiry_id, contactId: row.contact_id }));
  }

  /** What came of an inquiry upload, recorded once. */
  async settleVexUpload(
    manager: EntityManager,
    tenantId: string,
    id: string,
    outcome: { outcome: VexUploadOutcome; answer: InquiryAnswer | null; problem: AnswerProblem | null },
  ): Promise<void> {
    await manager.query(
      `update evidence.inquiry_vex_uploads set outcome = $3, answer = $4::jsonb, problem = $5::jsonb, settled_at = date_trunc('milliseconds', app.now())
        where tenant_id = $1 and id = $2 and settled_at is null`,
      [tenantId, id, outcome.outcome, outcome.answer ? JSON.stringify(outcome.answer) : null, outcome.problem ? JSON.stringify(outcome.problem) : null],
    );
  }

  /** The VEX format of one piece of processed evidence (`openvex`, `cyclonedx`), or null when it was not read as a VEX document. */
  async vexFormatOf(manager: EntityManager, tenantId: string, evidenceId: string): Promise<string | null> {
    const [row]: { format: string | null }[] = await manager.query(
      `select facts->>'format' as format from evidence.evidence
        where tenant_id = $1 and id = $2 and status = 'processed' and kind = 'vex' and facts->>'format' in ('openvex', 'cyclonedx')`,
      [tenantId, evidenceId],
    );
    return row?.format ?? null;
  }

  /** The statements read from one piece of VEX evidence. */
  async vexStatementsOf(manager: EntityManager, tenantId: string, evidenceId: string): Promise<VexStatement[]> {
    const rows: { vulnerabilities: string[]; purl: string; purl_base: string; status: RangeStatus; statement: Record<string, unknown> }[] = await manager.query(
      `select vulnerabilities, purl, purl_base, status, statement from evidence.vex_statements where tenant_id = $1 and evidence_id = $2 order by id`,
      [tenantId, evidenceId],
    );
    return rows.map((row) => ({ vulnerabilities: row.vulnerabilities, purl: row.purl, purlBase: row.purl_base, status: row.status, statement: row.statement }));
  }

  /** The VEX uploads of one inquiry, newest first, with their evidence's state. */
  async vexUploadsOf(manager: EntityManager, tenantId: string, inquiryId: string, limit: number, evidenceId: string | null = null): Promise<VexUploadRow[]> {
    return manager.query(
      `select u.evidence_id, u.contact_id, u.outcome, u.answer, u.problem, u.created_at, u.settled_at,
              e.status as evidence_status, e.kind, e.error, e.filename, e.sha256, e.size
         from evidence.inquiry_vex_uploads u join evidence.evidence e on e.tenant_id = u.tenant_id and e.id = u.evidence_id
        where u.tenant_id = $1 and u.inquiry_id = $2 and ($4::uuid is null or u.evidence_id = $4)
        order by u.created_at desc, u.id desc
        limit $3`,
      [tenantId, inquiryId, limit, evidenceId],
    );
  }

  /** Tenants (system role) with an unanswered inquiry past its due date. */
  async tenantsWithOverdue(manager: EntityManager, limit: number): Promise<string[]> {
    const rows: { tenant_id: string }[] = await manager.query(
      `select tenant_id from evidence.inquiries where status = 'sent' and due_at <= app.now() group by tenant_id limit $1`,
      [limit],
    );
    return rows.map((row) => row.tenant_id);
  }

  /** Marks the tenant's unanswered inquiries past due as overdue (each once); their ids. */
  async markOverdue(manager: EntityManager, tenantId: string, limit: number): Promise<string[]> {
    const rows = await updateReturning<{ id: string }>(
      manager,
      `update evidence.inquiries set status = 'overdue', overdue_at = date_trunc('milliseconds', app.now())
        where tenant_id = $1 and id in (
          select id from evidence.inquiries where tenant_id = $1 and status = 'sent' and due_at <= app.now()
           order by due_at limit $2 for update skip locked)
        returning id`,
      [tenantId, limit],
    );
    return rows.map((row) => row.id);
  }
}
