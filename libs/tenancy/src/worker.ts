export { TenancyWorkerModule } from './tenancy-worker.module';
