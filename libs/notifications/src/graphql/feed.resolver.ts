import { Access } from '@assay/shared/auth';
import { encodeCursor } from '@assay/shared/http';
import { RequestContext } from '@assay/shared/tenancy-context';
import { Args, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { FeedService } from '../feed/feed.service';
import { pageQuery, toConnection } from './connections';
import { Notification, NotificationConnection } from './notifications.types';

@Access('self')
@Resolver(() => Notification)
export class FeedResolver {
  constructor(private readonly feed: FeedService) {}

  @Query(() => NotificationConnection, { description: 'The signed-in user’s notification feed, newest first' })
  async notifications(
    @Args('first', { type: () => Int, nullable: true }) first?: number | null,
    @Args('after', { type: () => String, nullable: true }) after?: string | null,
    @Args('unreadOnly', { type: () => Boolean, nullable: true }) unreadOnly?: boolean | null,
  ) {
    const page = await this.feed.list(RequestContext.identity, { ...pageQuery(first, after), unread: unreadOnly ?? false });
    return toConnection(page, (item) => encodeCursor([item.createdAt, item.id]));
  }

  @Mutation(() => Notification)
  markNotificationRead(@Args('id', { type: () => ID }) id: string): Promise<Notification> {
    return this.feed.markRead(RequestContext.identity, id);
  }
}
