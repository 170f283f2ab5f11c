import { withoutCredentialLinks } from '../support/link-sealer';
import { DomainEvent, isPublicEventType } from '@assay/shared/contracts';
import { TenantDatabase } from '@assay/shared/database';
import { OnEvent } from '@assay/shared/queue';
import { Injectable } from '@nestjs/common';
import { eventData } from '../events/event-validation';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository';
import { WebhookEndpointsRepository } from './webhook-endpoints.repository';
import { WebhookQueue } from './webhook-queue';

/** Every public event becomes one delivery per subscribed endpoint; internal events never leave Assay. */
@Injectable()
export class WebhooksListener {
  constructor(
    private readonly database: TenantDatabase,
    private readonly endpoints: WebhookEndpointsRepository,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly queue: WebhookQueue,
  ) {}

  @OnEvent({ types: ['*'], name: 'notifications.webhooks' })
  async onEvent(event: DomainEvent): Promise<void> {
    if (!isPublicEventType(event.type)) return;
    eventData(event, 'envelope');
    // Portal and invitation links are credentials: they go to the people they are for, not to webhooks.
    const body = JSON.stringify({
      id: event.id,
      type: event.type,
      timestamp: event.timestamp,
      tenantId: event.tenantId,
      data: withoutCredentialLinks(event.data),
    });
    const waiting = await this.database.run(async (manager) => {
      const subscribed = await this.endpoints.subscribedTo(manager, event.tenantId, event.type);
      return this.deliveries.createForEvent(manager, event.tenantId, subscribed, event, body);
    }, event.tenantId);
    // Also re-enqueues what a crash after an earlier commit left waiting; job ids keep it to once.
    await this.queue.enqueueFirstAttempts(event.tenantId, waiting);
  }
}
