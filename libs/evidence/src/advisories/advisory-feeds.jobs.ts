import { JobName, SystemTickPayload, TenantJobPayload } from '@assay/shared/contracts';
import { OnJob, OnTick } from '@assay/shared/queue';
import { Injectable } from '@nestjs/common';
import { AdvisoryFeedsPollService } from './advisory-feeds-poll.service';

/** The advisory feeds tick (fans out one poll per tenant with a feed due) and the per-tenant poll. */
@Injectable()
export class AdvisoryFeedsJobs {
  constructor(private readonly feeds: AdvisoryFeedsPollService) {}

  @OnTick(JobName.AdvisoryFeedsTick)
  tick(_payload: SystemTickPayload): Promise<{ tenants: number }> {
    return this.feeds.fanOut();
  }

  @OnJob(JobName.AdvisoryFeedsPoll)
  poll(payload: TenantJobPayload): Promise<{ polled: number; failing: number }> {
    return this.feeds.poll(payload.tenantId);
  }
}
