import { DomainEvent, isPublicEventType } from '@assay/shared/contracts';
import { OnEvent } from '@assay/shared/queue';
import { Injectable } from '@nestjs/common';
import { WebhookDeliveriesService } from './webhook-deliveries.service';

/** Every public event becomes one delivery per subscribed endpoint; internal events never leave Assay. */
@Injectable()
export class WebhooksListener {
  constructor(private readonly deliveries: WebhookDeliveriesService) {}

  @OnEvent({ types: ['*'], name: 'notifications.webhooks' })
  async onEvent(event: DomainEvent): Promise<void> {
    if (!isPublicEventType(event.type)) return;
    await this.deliveries.createForEvent(event);
  }
}
