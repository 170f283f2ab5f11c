import type { DomainEvent } from '@assay/shared/contracts';
import { OnEvent } from '@assay/shared/queue';
import { Injectable } from '@nestjs/common';
import { ReassessmentService } from './reassessment.service';

type TriggerEvent = DomainEvent<'evidence.expired' | 'evidence.processed' | 'product.end_of_support_notice' | 'finding.overdue'>;

/**
 * Reassessment triggers: evidence that expired, evidence whose checks failed, a product's end of
 * support and a finding whose remediation date passed open a supplier's next assessment early when the
 * tenant's `reassessmentTriggers` say so. Redelivery is harmless: a supplier with an open assessment
 * gets no second one.
 */
@Injectable()
export class ReassessmentTriggersListener {
  constructor(private readonly reassessment: ReassessmentService) {}

  @OnEvent({
    types: ['evidence.expired', 'evidence.processed', 'product.end_of_support_notice', 'finding.overdue'],
    name: 'assessments.reassessment-triggers',
  })
  async onTrigger(event: TriggerEvent): Promise<void> {
    switch (event.type) {
      case 'evidence.expired':
        await this.reassessment.openEarly(event.tenantId, { reason: 'trigger:evidence_expired', supplierId: event.data.supplierId });
        return;
      case 'evidence.processed':
        if (!event.data.checks.some((check) => check.result === 'fail')) return;
        await this.reassessment.openEarly(event.tenantId, { reason: 'trigger:evidence_failed', supplierId: event.data.supplierId });
        return;
      case 'finding.overdue':
        await this.reassessment.openEarly(event.tenantId, { reason: 'trigger:finding_overdue', supplierId: event.data.supplierId });
        return;
      case 'product.end_of_support_notice':
        await this.reassessment.openEarly(event.tenantId, {
          reason: 'trigger:end_of_support',
          supplierId: event.data.supplierId,
          productId: event.data.productId,
          endOfSupportAt: event.data.endOfSupportAt,
        });
        return;
    }
  }
}
