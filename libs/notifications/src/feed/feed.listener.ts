import { DomainEvent, isPublicEventType } from '@assay/shared/contracts';
import { TenantDatabase } from '@assay/shared/database';
import { OnEvent } from '@assay/shared/queue';
import { Injectable } from '@nestjs/common';
import { DirectoryRepository } from '../directory/directory.repository';
import { eventData } from '../events/event-validation';
import { feedMessageFor } from './feed-messages';
import { FeedRepository } from './feed.repository';

/** Public events worth a user's attention become one feed item for each current member of the tenant. */
@Injectable()
export class FeedListener {
  constructor(
    private readonly database: TenantDatabase,
    private readonly directory: DirectoryRepository,
    private readonly feed: FeedRepository,
  ) {}

  @OnEvent({ types: ['*'], name: 'notifications.feed' })
  async onEvent(event: DomainEvent): Promise<void> {
    if (!isPublicEventType(event.type)) return;
    eventData(event, 'envelope');
    const message = feedMessageFor(event);
    if (!message) return;
    await this.database.run(async (manager) => {
      const members = await this.directory.activeMembers(manager, event.tenantId);
      await this.feed.addForUsers(
        manager,
        event.tenantId,
        members.map((member) => member.userId),
        event,
        message,
      );
    }, event.tenantId);
  }
}
