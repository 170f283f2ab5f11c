import { JobName, WebhookDeliverPayload } from '@assay/shared/contracts';
import { OnJob } from '@assay/shared/queue';
import { Injectable } from '@nestjs/common';
import { WebhookDeliveriesService } from './webhook-deliveries.service';

/** One attempt of one webhook delivery (see WebhookDeliveriesService.deliver). */
@Injectable()
export class WebhookDeliverJob {
  constructor(private readonly deliveries: WebhookDeliveriesService) {}

  @OnJob(JobName.WebhookDeliver)
  deliver(payload: WebhookDeliverPayload): Promise<{ outcome: string }> {
    return this.deliveries.deliver(payload);
  }
}
