export { AssessmentsWorkerModule } from './assessments-worker.module';
