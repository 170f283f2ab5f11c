export * from './notifications.module';
export * from './reminders/reminder-plan';
export * from './reminders/reminder-dispatcher';
export * from './reminders/reminder-jobs';
export * from './webhooks/webhook-retry-schedule';
export * from './mail/mail-renderer';
export * from './mail/mail-templates';
export * from './mail/mail-transport';
