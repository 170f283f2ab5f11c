import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { SupplierRow } from '../suppliers/suppliers.repository';

/** A supplier whose next cycle is due, with the product its latest completed assessment was of (if still current). */
export type DueSupplierRow = SupplierRow & { last_product_id: string | null };

/**
 * An open assessment of supplier `s` that the schedule or a trigger opened (those record their cycle's
 * due date): while one is open, a moved `next_assessment_due_at` opens no second cycle.
 */
const OPEN_CYCLE = `select 1 from assessments.assessments o where o.tenant_id = s.tenant_id and o.supplier_id = s.id
    and o.cycle_due_at is not null and o.status not in ('completed', 'cancelled')`;

/**
 * The reassessment schedule: active suppliers whose `next_assessment_due_at` falls within the lead
 * time and whose cycle has no assessment yet (a cycle is keyed by supplier and due date), nor another
 * scheduled or triggered cycle still open.
 */
@Injectable()
export class ReassessmentScheduleRepository {
  /** Tenants with at least one due supplier within `leadDays` (as the system role, across tenants). */
  async tenantsWithDueSuppliers(m: EntityManager, leadDays: number, limit: number): Promise<string[]> {
    const rows: { tenant_id: string }[] = await m.query(
      `select s.tenant_id from assessments.suppliers s
       where s.status = 'active' and s.next_assessment_due_at is not null and s.next_assessment_due_at <= app.now() + make_interval(days => $1)
         and not exists (select 1 from assessments.assessments a where a.tenant_id = s.tenant_id and a.supplier_id = s.id and a.cycle_due_at = s.next_assessment_due_at)
         and not exists (${OPEN_CYCLE})
       group by s.tenant_id limit $2`,
      [leadDays, limit],
    );
    return rows.map((row) => row.tenant_id);
  }

  /**
   * Drafts the schedule or a trigger opened and nobody has sent yet (of one supplier, or all), oldest
   * first: with auto-send on, a job that opened them and died before sending sends them on its retry.
   */
  async unsentOpenedDrafts(m: EntityManager, tenantId: string, supplierId: string | null, limit: number): Promise<string[]> {
    const rows: { id: string }[] = await m.query(
      `select id from assessments.assessments
       where tenant_id = $1 and status = 'draft' and cycle_due_at is not null and opened_by <> 'user' and ($2::uuid is null or supplier_id = $2)
       order by id limit $3`,
      [tenantId, supplierId, limit],
    );
    return rows.map((row) => row.id);
  }

  /** Whether the supplier has an assessment not yet completed or cancelled (a trigger then opens none). */
  async hasOpenAssessment(m: EntityManager, tenantId: string, supplierId: string): Promise<boolean> {
    const rows: unknown[] = await m.query(
      `select 1 from assessments.assessments where tenant_id = $1 and supplier_id = $2 and status not in ('completed', 'cancelled') limit 1`,
      [tenantId, supplierId],
    );
    return rows.length > 0;
  }

  /** The product of the supplier's latest completed assessment, while that product is current (else null). */
  async lastCompletedProductId(m: EntityManager, tenantId: string, supplierId: string): Promise<string | null> {
    const [row]: { product_id: string | null }[] = await m.query(
      `select a.product_id from assessments.assessments a
       where a.tenant_id = $1 and a.supplier_id = $2 and a.status = 'completed'
         and (a.product_id is null or exists (select 1 from assessments.products p where p.tenant_id = a.tenant_id and p.id = a.product_id and p.removed_at is null))
       order by a.closed_at desc, a.id desc limit 1`,
      [tenantId, supplierId],
    );
    return row?.product_id ?? null;
  }

  /** The tenant's due suppliers, soonest due first. */
  dueSuppliers(m: EntityManager, tenantId: string, leadDays: number, limit: number): Promise<DueSupplierRow[]> {
    return m.query(
      `select s.*, (select a.product_id from assessments.assessments a where a.tenant_id = s.tenant_id and a.supplier_id = s.id and a.status = 'completed'
                     and (a.product_id is null or exists (select 1 from assessments.products p where p.tenant_id = a.tenant_id and p.id = a.product_id and p.removed_at is null))
                     order by a.id desc limit 1) as last_product_id
       from assessments.suppliers s
       where s.tenant_id = $1 and s.status = 'active' and s.next_assessment_due_at is not null and s.next_assessment_due_at <= app.now() + make_interval(days => $2)
         and not exists (select 1 from assessments.assessments a where a.tenant_id = s.tenant_id and a.supplier_id = s.id and a.cycle_due_at = s.next_assessment_due_at)
         and not exists (${OPEN_CYCLE})
       order by s.next_assessment_due_at, s.id limit $3`,
      [tenantId, leadDays, limit],
    );
  }
}
