import { Module } from '@nestjs/common';

/** Resolvers of the notifications subgraph (none yet: they land with their own issue). */
export const NOTIFICATIONS_RESOLVERS = [];

/** The notifications domain: email, reminders, webhooks, in-app feed. */
@Module({})
export class NotificationsModule {}
