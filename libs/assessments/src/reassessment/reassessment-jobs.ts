import { JobName, ReassessmentOpenPayload, SystemTickPayload } from '@assay/shared/contracts';
import { OnJob, OnTick } from '@assay/shared/queue';
import { Injectable } from '@nestjs/common';
import { ReassessmentService } from './reassessment.service';

/**
 * Scheduled reassessment's jobs: the tick fans out one job per tenant with a due supplier; each
 * tenant's job opens (and, when the tenant auto-sends, sends) the next cycle's assessments.
 */
@Injectable()
export class ReassessmentJobs {
  constructor(private readonly reassessment: ReassessmentService) {}

  @OnTick(JobName.ReassessmentTick)
  tick(_payload: SystemTickPayload): Promise<{ tenants: number }> {
    return this.reassessment.enqueueDueTenants();
  }

  @OnJob(JobName.ReassessmentOpen)
  openDue(payload: ReassessmentOpenPayload): Promise<{ opened: number; sent: number }> {
    return this.reassessment.openDue(payload.tenantId);
  }
}
