import { mapColumns, writeProjection } from '@assay/shared/database';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface KnownAssessment {
  id: string;
  supplierId: string;
  productId: string | null;
  status: string;
}

interface AssessmentRow {
  id: string;
  supplier_id: string;
  product_id: string | null;
  status: string;
}

const COLUMNS = 'id, supplier_id, product_id, status';

/** Statuses in which the supplier may still add evidence to an assessment. */
export const OPEN_ASSESSMENT_STATUSES: readonly string[] = ['sent', 'in_progress', 'returned'];

/**
 * This service's projection of the tenant's assessments (supplier, product, status), kept from the
 * assessments service's events. Like the supplier projection, an older event never overwrites a newer one.
 */
@Injectable()
export class AssessmentDirectoryRepository {
  async upsert(manager: EntityManager, tenantId: string, assessment: KnownAssessment, eventAt: string): Promise<void> {
    await writeProjection(manager, {
      table: ['evidence', 'assessments'],
      key: ['tenant_id', 'id'],
      values: { tenant_id: tenantId, id: assessment.id, supplier_id: assessment.supplierId, product_id: assessment.productId, status: assessment.status },
      eventAt,
    });
  }

  async find(manager: EntityManager, tenantId: string, assessmentId: string): Promise<KnownAssessment | null> {
    const [row]: AssessmentRow[] = await manager.query(`select ${COLUMNS} from evidence.assessments where tenant_id = $1 and id = $2`, [
      tenantId,
      assessmentId,
    ]);
    return row ? mapColumns(row, COLUMNS) : null;
  }
}
