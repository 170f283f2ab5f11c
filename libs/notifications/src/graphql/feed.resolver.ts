import { Access } from '@assay/shared/auth';
import { encodeCursor } from '@assay/shared/http';
import { RequestContext } from '@assay/shared/tenancy-context';
import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { FeedService } from '../feed/feed.service';
import { AfterArg, FirstArg, pageArgs, toConnection } from '@assay/shared/graphql';
import { Notification, NotificationConnection } from './notifications.types';

@Access('self')
@Resolver(() => Notification)
export class FeedResolver {
  constructor(private readonly feed: FeedService) {}

  @Query(() => NotificationConnection, { description: 'The signed-in user’s notification feed, newest first' })
  async notifications(
    @FirstArg() first?: number | null,
    @AfterArg() after?: string | null,
    @Args('unreadOnly', { type: () => Boolean, nullable: true }) unreadOnly?: boolean | null,
  ) {
    const page = await this.feed.list(RequestContext.identity, { ...pageArgs(first, after), unread: unreadOnly ?? false });
    return toConnection(page, (item) => encodeCursor([item.createdAt, item.id]));
  }

  @Mutation(() => Notification)
  markNotificationRead(@Args('id', { type: () => ID }) id: string): Promise<Notification> {
    return this.feed.markRead(RequestContext.identity, id);
  }
}
