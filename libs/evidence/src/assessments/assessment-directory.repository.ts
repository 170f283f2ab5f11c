import { ProjectionById } from '@assay/shared/database';
import { Injectable } from '@nestjs/common';

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
export class AssessmentDirectoryRepository extends ProjectionById<AssessmentRow, typeof COLUMNS> {
  constructor() {
    super(['evidence', 'assessments'], COLUMNS);
  }
}
