import { Module } from '@nestjs/common';
import { AssessmentDirectoryListener } from './assessments/assessment-directory.listener';
import { AssessmentDirectoryRepository } from './assessments/assessment-directory.repository';
import { ComponentsRepository } from './components/components.repository';
import { EvidenceRepository } from './evidence/evidence.repository';
import { EvidenceExpiryJobs } from './expiry/evidence-expiry.jobs';
import { EvidenceIngestionJob } from './ingestion/evidence-ingestion.job';
import { EvidenceQueue } from './ingestion/evidence-queue';
import { EvidenceSweepJob } from './ingestion/evidence-sweep.job';
import { BLOB_STORAGE_PROVIDER } from './storage/blob-storage.provider';
import { SupplierDirectoryListener } from './suppliers/supplier-directory.listener';
import { SupplierDirectoryRepository } from './suppliers/supplier-directory.repository';

const PROVIDERS = [
  BLOB_STORAGE_PROVIDER,
  SupplierDirectoryRepository,
  SupplierDirectoryListener,
  AssessmentDirectoryRepository,
  AssessmentDirectoryListener,
  EvidenceRepository,
  ComponentsRepository,
  EvidenceQueue,
  EvidenceIngestionJob,
  EvidenceSweepJob,
  EvidenceExpiryJobs,
];

/**
 * The evidence domain's background work: the ingestion pipeline (detection, parsers, checks,
 * components), the pending sweep, the expiry ticks and the supplier and assessment projections.
 * It names no controller or resolver, so a process that imports only this (the worker) never
 * loads the HTTP, OpenAPI or GraphQL layers.
 */
@Module({ providers: PROVIDERS, exports: PROVIDERS })
export class EvidenceWorkerModule {}
