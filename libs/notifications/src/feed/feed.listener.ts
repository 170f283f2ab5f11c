import { DomainEvent, isPublicEventType } from '@assay/shared/contracts';
import { OnEvent } from '@assay/shared/queue';
import { Injectable } from '@nestjs/common';
import { feedMessageFor } from './feed-messages';
import { FeedService } from './feed.service';

/** Public events worth a user's attention become one feed item for each current member of the tenant. */
@Injectable()
export class FeedListener {
  constructor(private readonly feed: FeedService) {}

  @OnEvent({ types: ['*'], name: 'notifications.feed' })
  async onEvent(event: DomainEvent): Promise<void> {
    if (!isPublicEventType(event.type)) return;
    const message = feedMessageFor(event);
    if (!message) return;
    await this.feed.addForMembers(event, message);
  }
}
