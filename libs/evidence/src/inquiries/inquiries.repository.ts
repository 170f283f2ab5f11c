import type { InquiryAnswer, InquiryAnswerStatus } from '@assay/shared/contracts';
import { updateReturning } from '@assay/shared/database';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ANSWER_STATEMENT, ExposureScope, exposureScope } from '../advisories/advisory-exposures.repository';

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

  /** Records the supplier's answer (a later answer replaces an earlier one). */
  async answer(manager: EntityManager, tenantId: string, id: string, answer: InquiryAnswer, contactId: string | null): Promise<void> {
    await manager.query(
      `update evidence.inquiries
          set status = 'answered', answer = $3::jsonb, answered_at = date_trunc('milliseconds', app.now()), answered_by_contact_id = $4,
              answer_revision = answer_revision + 1
        where tenant_id = $1 and id = $2`,
      [tenantId, id, JSON.stringify(answer), contactId],
    );
  }

  /**
   * The answer speaks for the supplier on this advisory: every exposure of the supplier to it takes the
   * answer's status, with `statusSource: "inquiry"` and the statement kept in OpenVEX's words. Matching
   * applies it again to exposures found later (see `applyAnswers`).
   */
  async applyAnswers(manager: EntityManager, tenantId: string, scope: ExposureScope): Promise<void> {
    const [column, value] = exposureScope(scope);
    await manager.query(
      `update evidence.advisory_exposures x
          set status = i.answer->>'status', status_source = 'inquiry', statement = ${ANSWER_STATEMENT}
         from evidence.inquiries i
        where x.tenant_id = $1 and x.${column} = $2
          and i.tenant_id = x.tenant_id and i.advisory_id = x.advisory_id and i.supplier_id = x.supplier_id and i.status = 'answered'`,
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
