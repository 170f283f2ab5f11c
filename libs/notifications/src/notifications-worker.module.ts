import { OutboxRelayModule } from '@assay/shared/queue';
import { Module } from '@nestjs/common';
import { DirectoryListener } from './directory/directory.listener';
import { DirectoryRepository } from './directory/directory.repository';
import { DirectoryService } from './directory/directory.service';
import { FeedListener } from './feed/feed.listener';
import { FeedRepository } from './feed/feed.repository';
import { FeedService } from './feed/feed.service';
import { EmailQueue } from './mail/email-queue';
import { EmailSendJob } from './mail/email-send.job';
import { EmailSendService } from './mail/email-send.service';
import { EmailsRepository } from './mail/emails.repository';
import { EventEmailsService } from './mail/event-emails.service';
import { MailListener } from './mail/mail.listener';
import { MailTransport } from './mail/mail-transport';
import { FindingRemindersJobs } from './finding-reminders/finding-reminders.jobs';
import { InquiryRemindersJobs } from './inquiry-reminders/inquiry-reminders.jobs';
import { InquiryRemindersRepository } from './inquiry-reminders/inquiry-reminders.repository';
import { InquiryRemindersService } from './inquiry-reminders/inquiry-reminders.service';
import { FindingRemindersRepository } from './finding-reminders/finding-reminders.repository';
import { FindingRemindersService } from './finding-reminders/finding-reminders.service';
import { ReminderDispatcher } from './reminders/reminder-dispatcher';
import { ReminderJobs } from './reminders/reminder-jobs';
import { ReminderSchedulesListener } from './reminders/reminder-schedules.listener';
import { ReminderSchedulesRepository } from './reminders/reminder-schedules.repository';
import { ReminderSchedulesService } from './reminders/reminder-schedules.service';
import { RemindersRepository } from './reminders/reminders.repository';
import { LinkSealer } from './support/link-sealer';
import { NOTIFICATIONS_SCHEMA } from './support/notifications.constants';
import { NotificationsSweepJob } from './support/notifications-sweep.job';
import { NotificationsSweepService } from './support/notifications-sweep.service';
import { WebhookDeliverJob } from './webhooks/webhook-deliver.job';
import { WebhookDeliveriesService } from './webhooks/webhook-deliveries.service';
import { WebhookDeliveriesRepository } from './webhooks/webhook-deliveries.repository';
import { WebhookEndpointsRepository } from './webhooks/webhook-endpoints.repository';
import { WebhookQueue } from './webhooks/webhook-queue';
import { WebhookSecretCipher } from './webhooks/webhook-secrets';
import { WebhooksListener } from './webhooks/webhooks.listener';

const PROVIDERS = [
  LinkSealer,
  DirectoryRepository,
  DirectoryService,
  DirectoryListener,
  EmailsRepository,
  EmailQueue,
  EmailSendService,
  EmailSendJob,
  MailTransport,
  EventEmailsService,
  MailListener,
  ReminderSchedulesRepository,
  ReminderSchedulesService,
  ReminderSchedulesListener,
  RemindersRepository,
  ReminderDispatcher,
  ReminderJobs,
  FindingRemindersRepository,
  FindingRemindersService,
  FindingRemindersJobs,
  InquiryRemindersRepository,
  InquiryRemindersService,
  InquiryRemindersJobs,
  WebhookSecretCipher,
  WebhookEndpointsRepository,
  WebhookDeliveriesRepository,
  WebhookQueue,
  WebhookDeliveriesService,
  WebhookDeliverJob,
  WebhooksListener,
  FeedRepository,
  FeedService,
  FeedListener,
  NotificationsSweepService,
  NotificationsSweepJob,
];

/**
 * The notifications domain's background work: projections of tenants and members, email with its
 * log, the reminder engine, signed webhook deliveries and the in-app feed. It names no controller or
 * resolver, so the worker, which imports only this, never loads the HTTP, OpenAPI or GraphQL layers.
 * The reminder engine writes `reminder.sent`, so the process that runs it relays the notifications outbox.
 */
@Module({ imports: [OutboxRelayModule.forSchema(NOTIFICATIONS_SCHEMA)], providers: PROVIDERS, exports: PROVIDERS })
export class NotificationsWorkerModule {}
