import type { DomainEvent, Identity } from '@assay/shared/contracts';
import { TenantDatabase, recordAuditEvent } from '@assay/shared/database';
import { NotFoundProblem, Page, PageQueryDto } from '@assay/shared/http';
import { Injectable } from '@nestjs/common';
import { DirectoryRepository } from '../directory/directory.repository';
import { AUDIT_SERVICE } from '../support/notifications.constants';
import { isResourceId, pageByTime } from '../support/paging';
import type { FeedMessage } from './feed-messages';
import { FeedItem, FeedRepository } from './feed.repository';

/** The in-app feed: an item per member for each event worth their attention, and the signed-in user's feed in the tenant of their session. */
@Injectable()
export class FeedService {
  constructor(
    private readonly database: TenantDatabase,
    private readonly feed: FeedRepository,
    private readonly directory: DirectoryRepository,
  ) {}

  /** One feed item for each current member of the event's tenant. */
  async addForMembers(event: DomainEvent, message: FeedMessage): Promise<void> {
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

  async list(identity: Identity, query: PageQueryDto & { unread?: boolean }): Promise<Page<FeedItem>> {
    const { tenantId, principalId } = identity;
    if (!tenantId || !principalId) return { data: [], nextCursor: null };
    return pageByTime(
      query,
      (item) => item.createdAt,
      (limit, after) => this.database.run((manager) => this.feed.list(manager, tenantId, principalId, query.unread ?? false, limit, after), tenantId),
    );
  }

  async markRead(identity: Identity, id: string): Promise<FeedItem> {
    const { tenantId, principalId } = identity;
    if (!tenantId || !principalId || !isResourceId(id)) throw new NotFoundProblem('Notification');
    return this.database.run(async (manager) => {
      const result = await this.feed.markRead(manager, tenantId, principalId, id);
      if (!result) throw new NotFoundProblem('Notification');
      if (result.changed) await recordAuditEvent(manager, tenantId, AUDIT_SERVICE, { action: 'notification.read', targetType: 'notification', targetId: id });
      return result.item;
    }, tenantId);
  }
}
