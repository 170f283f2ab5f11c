import { updateReturning } from '@assay/shared/database';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ContactRow } from '../suppliers/supplier-contacts.repository';
import type { SupplierRow } from '../suppliers/suppliers.repository';

export interface ReportedProduct {
  id: string;
  name: string;
  current_version: string | null;
  delivery_model: string;
}

export interface ProductSupport {
  end_of_support_at: Date | null;
  end_of_support_announced_at: Date | null;
}

/**
 * The supplier side of an assessment: the supplier, its products and contacts as assessments read
 * them, and the supplier's figures that assessments and findings keep (next due date, latest score,
 * open findings) in their own transactions.
 */
@Injectable()
export class AssessedSuppliersRepository {
  async supplier(m: EntityManager, tenantId: string, id: string, lock = false): Promise<SupplierRow | null> {
    const [row]: SupplierRow[] = await m.query(`select * from assessments.suppliers where tenant_id = $1 and id = $2${lock ? ' for update' : ''}`, [
      tenantId,
      id,
    ]);
    return row ?? null;
  }

  /** The supplier's current contacts, oldest first. */
  async contacts(m: EntityManager, tenantId: string, supplierId: string): Promise<ContactRow[]> {
    return m.query(`select * from assessments.supplier_contacts where tenant_id = $1 and supplier_id = $2 and removed_at is null order by id`, [
      tenantId,
      supplierId,
    ]);
  }

  /** One contact's name and email, removed or not. */
  async contact(m: EntityManager, tenantId: string, contactId: string): Promise<{ name: string; email: string } | null> {
    const [contact]: { name: string; email: string }[] = await m.query(
      `select name, email from assessments.supplier_contacts where tenant_id = $1 and id = $2`,
      [tenantId, contactId],
    );
    return contact ?? null;
  }

  async productName(m: EntityManager, tenantId: string, productId: string | null): Promise<string | null> {
    if (!productId) return null;
    const [product]: { name: string }[] = await m.query(`select name from assessments.products where tenant_id = $1 and id = $2`, [tenantId, productId]);
    return product?.name ?? null;
  }

  /** Whether the product is one of the supplier's current products. */
  async hasCurrentProduct(m: EntityManager, tenantId: string, supplierId: string, productId: string): Promise<boolean> {
    const [product] = await m.query(`select id from assessments.products where tenant_id = $1 and supplier_id = $2 and id = $3 and removed_at is null`, [
      tenantId,
      supplierId,
      productId,
    ]);
    return Boolean(product);
  }

  async reportedProduct(m: EntityManager, tenantId: string, productId: string | null): Promise<ReportedProduct | null> {
    if (!productId) return null;
    const [product]: ReportedProduct[] = await m.query(
      `select id, name, current_version, delivery_model from assessments.products where tenant_id = $1 and id = $2`,
      [tenantId, productId],
    );
    return product ?? null;
  }

  /** The product's end-of-support dates, which its automated checks read. */
  async productSupport(m: EntityManager, tenantId: string, productId: string): Promise<ProductSupport | null> {
    const [product]: ProductSupport[] = await m.query(
      `select end_of_support_at, end_of_support_announced_at from assessments.products where tenant_id = $1 and id = $2`,
      [tenantId, productId],
    );
    return product ?? null;
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
