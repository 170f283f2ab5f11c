export { NotificationsWorkerModule } from './notifications-worker.module';
