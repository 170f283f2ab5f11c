import { JobName, SystemTickPayload, TenantJobPayload } from '@assay/shared/contracts';
import { OnJob, OnTick } from '@assay/shared/queue';
import { Injectable } from '@nestjs/common';
import { InquiriesService } from './inquiries.service';

/** The overdue tick (fans out one dispatch per tenant with a lapsed inquiry) and the per-tenant dispatch. */
@Injectable()
export class InquiriesJobs {
  constructor(private readonly inquiries: InquiriesService) {}

  @OnTick(JobName.InquiriesOverdueTick)
  tick(_payload: SystemTickPayload): Promise<{ tenants: number }> {
    return this.inquiries.fanOut();
  }

  @OnJob(JobName.InquiriesOverdueDispatch)
  dispatch(payload: TenantJobPayload): Promise<{ overdue: number }> {
    return this.inquiries.markOverdue(payload.tenantId);
  }
}
