import { LinkSealer } from './support/link-sealer';
import { Module } from '@nestjs/common';
import { DirectoryListener } from './directory/directory.listener';
import { DirectoryRepository } from './directory/directory.repository';
import { FeedController } from './feed/feed.controller';
import { FeedListener } from './feed/feed.listener';
import { FeedRepository } from './feed/feed.repository';
import { FeedService } from './feed/feed.service';
import { AssessmentRemindersResolver, ReminderAssessmentResolver } from './graphql/assessment-reminders.resolver';
import { FeedResolver } from './graphql/feed.resolver';
import { WebhooksResolver } from './graphql/webhooks.resolver';
import { EmailQueue } from './mail/email-queue';
import { EmailSendJob } from './mail/email-send.job';
import { EmailsRepository } from './mail/emails.repository';
import { MailListener } from './mail/mail.listener';
import { MailTransport } from './mail/mail-transport';
import { ReminderDispatcher } from './reminders/reminder-dispatcher';
import { ReminderJobs } from './reminders/reminder-jobs';
import { ReminderSchedulesListener } from './reminders/reminder-schedules.listener';
import { ReminderSchedulesRepository } from './reminders/reminder-schedules.repository';
import { RemindersController } from './reminders/reminders.controller';
import { RemindersService } from './reminders/reminders.service';
import { NotificationSchedules } from './support/notification-schedules';
import { NotificationsSweepJob } from './support/notifications-sweep.job';
import { WebhookDeliverJob } from './webhooks/webhook-deliver.job';
import { WebhookDeliveriesRepository } from './webhooks/webhook-deliveries.repository';
import { WebhookDeliveriesController, WebhookEndpointsController } from './webhooks/webhook-endpoints.controller';
import { WebhookEndpointsRepository } from './webhooks/webhook-endpoints.repository';
import { WebhookEndpointsService } from './webhooks/webhook-endpoints.service';
import { WebhookQueue } from './webhooks/webhook-queue';
import { WebhookSecretCipher } from './webhooks/webhook-secrets';
import { WebhooksListener } from './webhooks/webhooks.listener';

/** Resolvers of the notifications subgraph (the schema tooling builds the subgraph SDL from them). */
export const NOTIFICATIONS_RESOLVERS = [WebhooksResolver, FeedResolver, AssessmentRemindersResolver, ReminderAssessmentResolver];

/**
 * The notifications domain: projections of tenants and members, email with its log, the reminder
 * engine, signed webhooks and the in-app feed. The HTTP service serves its routes and resolvers; the
 * worker runs its event listeners and jobs.
 */
@Module({
  controllers: [WebhookEndpointsController, WebhookDeliveriesController, RemindersController, FeedController],
  providers: [
    ...NOTIFICATIONS_RESOLVERS,
    LinkSealer,
    DirectoryRepository,
    DirectoryListener,
    EmailsRepository,
    EmailQueue,
    EmailSendJob,
    MailTransport,
    MailListener,
    ReminderSchedulesRepository,
    ReminderSchedulesListener,
    ReminderDispatcher,
    ReminderJobs,
    RemindersService,
    WebhookSecretCipher,
    WebhookEndpointsRepository,
    WebhookDeliveriesRepository,
    WebhookEndpointsService,
    WebhookQueue,
    WebhookDeliverJob,
    WebhooksListener,
    FeedRepository,
    FeedService,
    FeedListener,
    NotificationsSweepJob,
    NotificationSchedules,
  ],
  exports: [ReminderDispatcher, ReminderJobs],
})
export class NotificationsModule {}
