import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AssessmentRow } from '../assessments/assessments.repository';

/** The assessments of a page of suppliers, as the supplier lists them (one query for the page). */
@Injectable()
export class SupplierAssessmentsRepository {
  /** Newest first. */
  listForSuppliers(m: EntityManager, tenantId: string, supplierIds: string[]): Promise<AssessmentRow[]> {
    return m.query(`select * from assessments.assessments where tenant_id = $1 and supplier_id = any($2::uuid[]) order by id desc`, [tenantId, supplierIds]);
  }
}
