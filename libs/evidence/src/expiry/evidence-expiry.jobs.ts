import { EvidenceExpiryDispatchPayload, JobName, SystemTickPayload } from '@assay/shared/contracts';
import { OnJob, OnTick } from '@assay/shared/queue';
import { Injectable } from '@nestjs/common';
import { EvidenceExpiryService } from './evidence-expiry.service';

/** The evidence expiry tick (fans out one dispatch per tenant with something due) and the per-tenant dispatch. */
@Injectable()
export class EvidenceExpiryJobs {
  constructor(private readonly expiry: EvidenceExpiryService) {}

  @OnTick(JobName.EvidenceExpiryTick)
  tick(_payload: SystemTickPayload): Promise<{ tenants: number }> {
    return this.expiry.fanOut();
  }

  @OnJob(JobName.EvidenceExpiryDispatch)
  dispatch(payload: EvidenceExpiryDispatchPayload): Promise<{ expiring: number; expired: number }> {
    return this.expiry.announce(payload.tenantId);
  }
}
