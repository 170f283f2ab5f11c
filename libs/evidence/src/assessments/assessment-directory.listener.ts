import type { AssessmentEventData, DomainEvent } from '@assay/shared/contracts';
import { isUuid } from '@assay/shared/database';
import { OnEvent } from '@assay/shared/queue';
import { Injectable } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { AssessmentDirectoryService } from './assessment-directory.service';

const STATUS = /^[a-z_]{1,40}$/;

function assessmentData(event: DomainEvent): AssessmentEventData {
  const data = event.data as Partial<AssessmentEventData>;
  const valid =
    isUuid(data.assessmentId) &&
    isUuid(data.supplierId) &&
    typeof data.status === 'string' &&
    STATUS.test(data.status) &&
    (data.productId === undefined || data.productId === null || isUuid(data.productId));
  // A malformed event never becomes valid on retry.
  if (!valid) throw new UnrecoverableError(`event ${event.id} (${event.type}) does not carry a valid assessment`);
  return data as AssessmentEventData;
}

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
  async onAssessmentEvent(event: DomainEvent): Promise<void> {
    const data = assessmentData(event);
    await this.assessments.record(
      event.tenantId,
      { id: data.assessmentId, supplierId: data.supplierId, productId: data.productId ?? null, status: data.status },
      event.timestamp,
    );
  }
}
