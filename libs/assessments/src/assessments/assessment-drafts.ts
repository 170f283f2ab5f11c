import type { AssessmentOpenedBy } from '@assay/shared/contracts';
import { newId } from '@assay/shared/database';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { audit, emit } from '../assessments-writes';
import { FrameworkDocument, applicableClaimIds } from '../catalogue/catalogue-document';
import type { SupplierRow } from '../suppliers/suppliers.repository';
import { AssessmentReadModel } from './assessment-read-model';
import { AssessmentRow, AssessmentsRepository } from './assessments.repository';

/**
 * Opening a draft inside the caller's transaction: the step that creating an assessment and scheduled
 * reassessment (which opens several in one transaction) share. It holds no transaction of its own.
 */
@Injectable()
export class AssessmentDrafts {
  constructor(
    private readonly assessments: AssessmentsRepository,
    private readonly reads: AssessmentReadModel,
  ) {}

  /**
   * Inserts a draft with the claims that apply to the supplier's role, with its audit entry and
   * `assessment.created`, in the caller's transaction (scheduled reassessment opens several in one).
   * With `cycleDueAt` (a scheduled reassessment) it is null when that cycle already has its assessment.
   * With `carryForward` the answers of the supplier's latest completed assessment of the same product
   * (or, without a product, of none) are copied to the claims both apply to, each marked
   * `carriedForward` until the supplier confirms or changes it.
   */
  async open(
    m: EntityManager,
    supplier: SupplierRow,
    framework: FrameworkDocument,
    options: {
      productId: string | null;
      dueAt: Date;
      createdBy: string | null;
      cycleDueAt?: Date;
      openedBy: AssessmentOpenedBy;
      /** Prefill from the latest completed assessment of the same product (or of none). */
      carryForward: boolean;
    },
  ): Promise<AssessmentRow | null> {
    const tenantId = supplier.tenant_id;
    const id = newId();
    const claimIds = applicableClaimIds(framework, supplier.role);
    const previous = options.carryForward ? await this.assessments.latestCompleted(m, tenantId, supplier.id, options.productId) : null;
    const row = await this.assessments.insertDraft(m, {
      tenantId,
      id,
      supplierId: supplier.id,
      productId: options.productId,
      frameworkKey: framework.key,
      frameworkVersion: framework.version,
      claimIds,
      dueAt: options.dueAt,
      createdBy: options.createdBy,
      cycleDueAt: options.cycleDueAt ?? null,
      openedBy: options.openedBy,
      previousAssessmentId: previous?.id ?? null,
    });
    if (!row) return null;
    const carried = previous
      ? await this.assessments.carryForward(
          m,
          previous,
          row,
          row.claim_ids.map(() => newId()),
        )
      : 0;
    await audit(m, tenantId, {
      action: 'assessment.created',
      targetType: 'assessment',
      targetId: id,
      changes: {
        supplierId: supplier.id,
        productId: row.product_id,
        framework: `${framework.key}@${framework.version}`,
        dueAt: options.dueAt.toISOString(),
        claimCount: claimIds.length,
        openedBy: options.openedBy,
        ...(previous ? { previousAssessmentId: previous.id, carriedForward: carried } : {}),
      },
    });
    await emit(m, tenantId, 'assessment.created', await this.reads.eventData(m, row));
    return row;
  }
}
