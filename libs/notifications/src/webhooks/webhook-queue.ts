import { JobName } from '@assay/shared/contracts';
import { JobProducer } from '@assay/shared/queue';
import { Injectable } from '@nestjs/common';

/** Enqueues delivery attempts; the job id names delivery and attempt, so each attempt is queued at most once. */
@Injectable()
export class WebhookQueue {
  constructor(private readonly producer: JobProducer) {}

  async enqueueFirstAttempts(tenantId: string, deliveryIds: string[]): Promise<void> {
    await this.producer.enqueueMany(
      JobName.WebhookDeliver,
      deliveryIds.map((deliveryId) => ({ payload: { tenantId, deliveryId, attempt: 1 }, options: { jobId: `webhook_${deliveryId}_1` } })),
    );
  }

  async enqueueAttempt(tenantId: string, deliveryId: string, attempt: number, delayMs: number): Promise<void> {
    await this.producer.enqueue(
      JobName.WebhookDeliver,
      { tenantId, deliveryId, attempt },
      { jobId: `webhook_${deliveryId}_${attempt}`, delay: Math.max(0, delayMs) },
    );
  }
}
