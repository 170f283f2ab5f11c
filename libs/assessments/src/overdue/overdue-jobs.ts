import { AssessmentsOverdueDispatchPayload, JobName, SystemTickPayload } from '@assay/shared/contracts';
import { OnJob, OnTick } from '@assay/shared/queue';
import { Injectable } from '@nestjs/common';
import { OverdueService } from './overdue.service';

/** `assessment.overdue`: the tick fans out one job per tenant with a lapse; each job announces its tenant's lapses. */
@Injectable()
export class OverdueJobs {
  constructor(private readonly overdue: OverdueService) {}

  @OnTick(JobName.AssessmentsOverdueTick)
  tick(_payload: SystemTickPayload): Promise<{ tenants: number }> {
    return this.overdue.enqueueTenantsWithLapses();
  }

  @OnJob(JobName.AssessmentsOverdueDispatch)
  announce(payload: AssessmentsOverdueDispatchPayload): Promise<{ overdue: number }> {
    return this.overdue.announce(payload.tenantId);
  }
}
