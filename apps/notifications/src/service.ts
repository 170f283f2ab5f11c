/** The notifications service as its own process (main.ts) and the combined process of `npm start` boot it. */
import { NotificationsModule, NOTIFICATIONS_RESOLVERS, NotificationsSchemaModule } from '@assay/notifications';
import { domainService } from '@assay/shared/http/app';

export const NOTIFICATIONS_SERVICE = domainService('notifications', 'Assay notifications', NotificationsModule, {
  resolvers: NOTIFICATIONS_RESOLVERS,
  schemaModule: NotificationsSchemaModule,
});
