import 'reflect-metadata';
import { NotificationsModule, NOTIFICATIONS_RESOLVERS } from '@assay/notifications';
import { runService } from '@assay/shared/http/app';

void runService({ service: 'notifications', title: 'Assay notifications', imports: [NotificationsModule], subgraph: NOTIFICATIONS_RESOLVERS.length > 0 });
