export { EvidenceWorkerModule } from './evidence-worker.module';
