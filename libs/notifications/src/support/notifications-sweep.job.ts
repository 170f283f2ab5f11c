import { JobName, SystemTickPayload } from '@assay/shared/contracts';
import { OnTick } from '@assay/shared/queue';
import { Injectable } from '@nestjs/common';
import { NotificationsSweepService } from './notifications-sweep.service';

/** Re-enqueues emails and webhook attempts a crash left without their job (see NotificationsSweepService). */
@Injectable()
export class NotificationsSweepJob {
  constructor(private readonly stranded: NotificationsSweepService) {}

  @OnTick(JobName.NotificationsSweep)
  sweep(_payload: SystemTickPayload): Promise<{ emails: number; deliveries: number }> {
    return this.stranded.requeueStranded();
  }
}
