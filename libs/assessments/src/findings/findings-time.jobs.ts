import { FindingsTimeDispatchPayload, JobName, SystemTickPayload } from '@assay/shared/contracts';
import { OnJob, OnTick } from '@assay/shared/queue';
import { Injectable } from '@nestjs/common';
import { FindingsTimeService } from './findings-time.service';

/** Findings over time: the tick fans out one job per tenant with a finding due; each job handles its tenant's. */
@Injectable()
export class FindingsTimeJobs {
  constructor(private readonly findings: FindingsTimeService) {}

  @OnTick(JobName.FindingsTimeTick)
  tick(_payload: SystemTickPayload): Promise<{ tenants: number }> {
    return this.findings.fanOut();
  }

  @OnJob(JobName.FindingsTimeDispatch)
  dispatch(payload: FindingsTimeDispatchPayload): Promise<{ overdue: number; reopened: number }> {
    return this.findings.dispatch(payload.tenantId);
  }
}
