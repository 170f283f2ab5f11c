import { Module } from '@nestjs/common';
import { AssessmentDirectoryListener } from './assessments/assessment-directory.listener';
import { AssessmentDirectoryRepository } from './assessments/assessment-directory.repository';
import { ComponentsRepository } from './components/components.repository';
import { ComponentsController, EvidenceController, PortalEvidenceReadController } from './evidence/evidence.controller';
import { EvidenceRepository } from './evidence/evidence.repository';
import { EvidenceExpiryJobs } from './expiry/evidence-expiry.jobs';
import { AssessmentEvidenceResolver, ComponentExposureResolver, EvidenceResolver, SupplierEvidenceResolver } from './graphql/evidence.resolver';
import { EvidenceIngestionJob } from './ingestion/evidence-ingestion.job';
import { EvidenceSweepJob } from './ingestion/evidence-sweep.job';
import { EvidenceQueue } from './ingestion/evidence-queue';
import { EvidenceIntakeController, PortalEvidenceController } from './intake/evidence-intake.controller';
import { EvidenceIntakeService } from './intake/evidence-intake.service';
import { BLOB_STORAGE_PROVIDER } from './storage/blob-storage.provider';
import { EvidenceSchedules } from './support/evidence-schedules';
import { SupplierDirectoryListener } from './suppliers/supplier-directory.listener';
import { SupplierDirectoryRepository } from './suppliers/supplier-directory.repository';

/** Resolvers of the evidence subgraph (the schema tooling builds the subgraph SDL from them). */
export const EVIDENCE_RESOLVERS = [EvidenceResolver, ComponentExposureResolver, SupplierEvidenceResolver, AssessmentEvidenceResolver];

/**
 * The evidence domain: intake (uploads and URLs), content-addressed storage, the ingestion pipeline
 * (detection, parsers, checks, components) and the supplier and assessment projections. The HTTP service serves the
 * routes; the worker runs the ingestion job, the pending sweep, the expiry ticks and the projection listeners. Nothing here needs the HTTP
 * server: the multipart parser is registered by the service app.
 */
@Module({
  controllers: [EvidenceIntakeController, PortalEvidenceController, PortalEvidenceReadController, EvidenceController, ComponentsController],
  providers: [
    ...EVIDENCE_RESOLVERS,
    BLOB_STORAGE_PROVIDER,
    SupplierDirectoryRepository,
    SupplierDirectoryListener,
    AssessmentDirectoryRepository,
    AssessmentDirectoryListener,
    EvidenceRepository,
    ComponentsRepository,
    EvidenceQueue,
    EvidenceIntakeService,
    EvidenceIngestionJob,
    EvidenceSweepJob,
    EvidenceExpiryJobs,
    EvidenceSchedules,
  ],
})
export class EvidenceModule {}
