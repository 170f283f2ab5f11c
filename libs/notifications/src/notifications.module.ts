import { Module } from '@nestjs/common';
import { FeedController } from './feed/feed.controller';
import { AssessmentRemindersResolver, ReminderAssessmentResolver } from './graphql/assessment-reminders.resolver';
import { FeedResolver } from './graphql/feed.resolver';
import { WebhooksResolver } from './graphql/webhooks.resolver';
import { NotificationsWorkerModule } from './notifications-worker.module';
import { RemindersController } from './reminders/reminders.controller';
import { RemindersService } from './reminders/reminders.service';
import { WebhookDeliveriesController, WebhookEndpointsController } from './webhooks/webhook-endpoints.controller';
import { WebhookEndpointsService } from './webhooks/webhook-endpoints.service';

/** Resolvers of the notifications subgraph (the schema tooling builds the subgraph SDL from them). */
export const NOTIFICATIONS_RESOLVERS = [WebhooksResolver, FeedResolver, AssessmentRemindersResolver, ReminderAssessmentResolver];

/**
 * The notifications service: the webhook, delivery, reminder and feed routes and the notifications
 * subgraph, over the domain's background work (which the worker runs on its own through
 * NotificationsWorkerModule).
 */
@Module({
  imports: [NotificationsWorkerModule],
  controllers: [WebhookEndpointsController, WebhookDeliveriesController, RemindersController, FeedController],
  providers: [...NOTIFICATIONS_RESOLVERS, RemindersService, WebhookEndpointsService],
  exports: [NotificationsWorkerModule],
})
export class NotificationsModule {}
