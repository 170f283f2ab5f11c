import { updateReturning } from '@assay/shared/database';
import { NotFoundProblem } from '@assay/shared/http';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { SupplierStatus, SupplierTier } from './suppliers.dto';
import type { SupplierView } from './suppliers.service';

/** A supplier's row: the columns the API shows as they are, and the rest under their column names. */
export interface SupplierRow extends Pick<SupplierView, 'id' | 'name' | 'tier' | 'role' | 'website' | 'domains' | 'tags' | 'status'> {
  tenant_id: string;
  company_number: string | null;
  owner_user_id: string | null;
  next_assessment_due_at: Date | null;
  /** The overall score of the latest completed assessment (numeric: read as a string). */
  latest_score: string | null;
  open_findings: number;
  offboarded_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

/** The columns a registration sets; the rest take their defaults. */
export type NewSupplier = Pick<SupplierRow, 'id' | 'name' | 'tier' | 'role' | 'website' | 'domains' | 'company_number' | 'tags' | 'owner_user_id'>;

/** The editable columns (by column name) and the status change an update makes. */
export interface SupplierChanges {
  columns: Partial<Record<'name' | 'tier' | 'role' | 'website' | 'domains' | 'company_number' | 'tags' | 'owner_user_id', unknown>>;
  status?: 'offboarded' | 'active';
}

export interface SupplierListFilter {
  tier: SupplierTier | null;
  status: SupplierStatus | null;
  /** An ILIKE pattern on the name. */
  namePattern: string | null;
}

/** The suppliers of a tenant, with the figures their assessments and findings keep (next due date, latest score, open findings). */
@Injectable()
export class SuppliersRepository {
  async insert(m: EntityManager, tenantId: string, supplier: NewSupplier): Promise<SupplierRow> {
    const [row]: SupplierRow[] = await m.query(
      `insert into assessments.suppliers (tenant_id, id, name, tier, role, website, domains, company_number, tags, owner_user_id)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning *`,
      [
        tenantId,
        supplier.id,
        supplier.name,
        supplier.tier,
        supplier.role,
        supplier.website,
        supplier.domains,
        supplier.company_number,
        supplier.tags,
        supplier.owner_user_id,
      ],
    );
    return row as SupplierRow;
  }

  /** Newest first, from before the `beforeId` cursor; one row more than `limit` tells there is a next page. */
  list(m: EntityManager, tenantId: string, filter: SupplierListFilter, beforeId: string | null, limit: number): Promise<SupplierRow[]> {
    return m.query(
      `select * from assessments.suppliers
       where tenant_id = $1 and ($2::text is null or tier = $2) and ($3::text is null or status = $3) and ($4::text is null or name ilike $4)
         and ($5::uuid is null or id < $5::uuid)
       order by id desc limit $6`,
      [tenantId, filter.tier, filter.status, filter.namePattern, beforeId, limit + 1],
    );
  }

  /** The supplier row, or 404 (also for another tenant's id: RLS and the explicit filter both hide it). */
  async find(m: EntityManager, tenantId: string, id: string, lock = false): Promise<SupplierRow> {
    const [row]: SupplierRow[] = await m.query(`select * from assessments.suppliers where tenant_id = $1 and id = $2${lock ? ' for update' : ''}`, [
      tenantId,
      id,
    ]);
    if (!row) throw new NotFoundProblem('Supplier');
    return row;
  }

  async update(m: EntityManager, tenantId: string, id: string, changes: SupplierChanges): Promise<SupplierRow> {
    const sets: string[] = [];
    const params: unknown[] = [tenantId, id];
    for (const [column, value] of Object.entries(changes.columns)) {
      params.push(value);
      sets.push(`"${column}" = $${params.length}`);
    }
    if (changes.status === 'offboarded') sets.push(`status = 'offboarded', offboarded_at = now()`);
    if (changes.status === 'active') sets.push(`status = 'active', offboarded_at = null`);
    const [row] = await updateReturning<SupplierRow>(
      m,
      `update assessments.suppliers set ${sets.join(', ')}, updated_at = now() where tenant_id = $1 and id = $2 returning *`,
      params,
    );
    return row as SupplierRow;
  }

  /** On completion: the next assessment falls due `cadenceMonths` after `closedAt`, and the score is the supplier's latest. */
  async scheduleNextAssessment(
    m: EntityManager,
    tenantId: string,
    supplierId: string,
    closedAt: Date | null,
    cadenceMonths: number,
    score: number | null,
  ): Promise<Date> {
    const [updated] = await updateReturning<{ next_assessment_due_at: Date }>(
      m,
      `update assessments.suppliers set next_assessment_due_at = $3::timestamptz + make_interval(months => $4), latest_score = $5, updated_at = now()
       where tenant_id = $1 and id = $2 returning next_assessment_due_at`,
      [tenantId, supplierId, closedAt, cadenceMonths, score],
    );
    return (updated as { next_assessment_due_at: Date }).next_assessment_due_at;
  }

  /** Keeps the supplier's `openFindings` (never below zero). */
  async adjustOpenFindings(m: EntityManager, tenantId: string, supplierId: string, delta: number): Promise<void> {
    await m.query(`update assessments.suppliers set open_findings = greatest(open_findings + $3, 0) where tenant_id = $1 and id = $2`, [
      tenantId,
      supplierId,
      delta,
    ]);
  }
}
