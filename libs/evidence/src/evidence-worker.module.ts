import { OutboxRelayModule } from '@assay/shared/queue';
import { Module } from '@nestjs/common';
import { SigningKeysRepository } from './signing-keys/signing-keys.repository';
import { AdvisoriesRepository } from './advisories/advisories.repository';
import { AdvisoriesService } from './advisories/advisories.service';
import { AdvisoryFeedsPollService } from './advisories/advisory-feeds-poll.service';
import { AdvisoryFeedsJobs } from './advisories/advisory-feeds.jobs';
import { AdvisoryFeedsRepository } from './advisories/advisory-feeds.repository';
import { AdvisoryExposuresRepository } from './advisories/advisory-exposures.repository';
import { AdvisoryImportJob } from './advisories/advisory-import.job';
import { AdvisoryMatchingListener } from './advisories/advisory-matching.listener';
import { AdvisoryMatchingService } from './advisories/advisory-matching.service';
import { AdvisoryImportService } from './advisories/advisory-import.service';
import { AdvisoryQueue } from './advisories/advisory-queue';
import { AssessmentDirectoryListener } from './assessments/assessment-directory.listener';
import { AssessmentDirectoryRepository } from './assessments/assessment-directory.repository';
import { AssessmentDirectoryService } from './assessments/assessment-directory.service';
import { ComponentsRepository } from './components/components.repository';
import { EvidenceRepository } from './evidence/evidence.repository';
import { EvidenceExpiryJobs } from './expiry/evidence-expiry.jobs';
import { EvidenceExpiryService } from './expiry/evidence-expiry.service';
import { EvidenceIngestionJob } from './ingestion/evidence-ingestion.job';
import { EvidenceIngestionService } from './ingestion/evidence-ingestion.service';
import { EvidenceQueue } from './ingestion/evidence-queue';
import { EVIDENCE_SCHEMA } from './evidence-writes';
import { EvidenceSweepJob } from './ingestion/evidence-sweep.job';
import { BLOB_STORAGE_PROVIDER } from './storage/blob-storage.provider';
import { EvidenceDocuments } from './storage/evidence-documents';
import { SupplierDirectoryListener } from './suppliers/supplier-directory.listener';
import { SupplierDirectoryRepository } from './suppliers/supplier-directory.repository';
import { SupplierDirectoryService } from './suppliers/supplier-directory.service';
import { TenantSettingsListener } from './tenants/tenant-settings.listener';
import { TenantSettingsRepository } from './tenants/tenant-settings.repository';
import { TenantSettingsService } from './tenants/tenant-settings.service';
import { InquiriesJobs } from './inquiries/inquiries.jobs';
import { InquiriesRepository } from './inquiries/inquiries.repository';
import { InquiriesService } from './inquiries/inquiries.service';
import { InquiryAnswersService } from './inquiries/inquiry-answers.service';

const PROVIDERS = [
  BLOB_STORAGE_PROVIDER,
  EvidenceDocuments,
  SupplierDirectoryRepository,
  SupplierDirectoryService,
  SupplierDirectoryListener,
  TenantSettingsRepository,
  TenantSettingsService,
  TenantSettingsListener,
  AssessmentDirectoryRepository,
  AssessmentDirectoryService,
  AssessmentDirectoryListener,
  EvidenceRepository,
  ComponentsRepository,
  EvidenceQueue,
  EvidenceIngestionService,
  EvidenceIngestionJob,
  EvidenceSweepJob,
  EvidenceExpiryService,
  EvidenceExpiryJobs,
  SigningKeysRepository,
  AdvisoriesRepository,
  AdvisoryFeedsRepository,
  AdvisoriesService,
  AdvisoryFeedsPollService,
  AdvisoryFeedsJobs,
  AdvisoryQueue,
  AdvisoryImportService,
  AdvisoryImportJob,
  AdvisoryExposuresRepository,
  AdvisoryMatchingService,
  AdvisoryMatchingListener,
  InquiriesRepository,
  InquiriesService,
  InquiryAnswersService,
  InquiriesJobs,
];

/**
 * The evidence domain's background work: the ingestion pipeline (detection, parsers, checks,
 * components), the pending sweep, the expiry ticks and the tenant, supplier and assessment projections.
 * It names no controller or resolver, so a process that imports only this (the worker) never
 * loads the HTTP, OpenAPI or GraphQL layers. The process that runs it writes evidence events (processed,
 * expiring, expired), so it relays the evidence outbox too.
 */
@Module({ imports: [OutboxRelayModule.forSchema(EVIDENCE_SCHEMA)], providers: PROVIDERS, exports: PROVIDERS })
export class EvidenceWorkerModule {}
