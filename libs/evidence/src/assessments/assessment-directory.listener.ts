import type { DomainEvent } from '@assay/shared/contracts';
import { OnEvent } from '@assay/shared/queue';
import { Injectable } from '@nestjs/common';
import { AssessmentDirectoryService } from './assessment-directory.service';

/** Keeps the assessment projection from the assessments service's assessment events. */
@Injectable()
export class AssessmentDirectoryListener {
  constructor(private readonly assessments: AssessmentDirectoryService) {}

  @OnEvent({
    types: [
      'assessment.created',
      'assessment.sent',
      'assessment.submitted',
      'assessment.returned',
      'assessment.completed',
      'assessment.cancelled',
      'assessment.overdue',
    ],
    name: 'evidence.assessments',
  })
  async onAssessmentEvent(
    event: DomainEvent<
      | 'assessment.created'
      | 'assessment.sent'
      | 'assessment.submitted'
      | 'assessment.returned'
      | 'assessment.completed'
      | 'assessment.cancelled'
      | 'assessment.overdue'
    >,
  ): Promise<void> {
    const data = event.data;
    await this.assessments.record(
      event.tenantId,
      { id: data.assessmentId, supplierId: data.supplierId, productId: data.productId ?? null, status: data.status },
      event.timestamp,
    );
  }
}
