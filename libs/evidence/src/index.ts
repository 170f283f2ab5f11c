export * from './evidence.module';
export { createBlobStorage } from './storage/blob-storage.provider';
export { BlobNotFoundError, blobKey } from './storage/blob-storage';
export type { BlobStat, BlobStorage, StagedBlob } from './storage/blob-storage';
export { ComponentsRepository } from './components/components.repository';
export { fileTypeDetector, parseEvidence } from './parsing/evidence-parser';
export { RejectedEvidence, fetchEvidenceUrl } from './ingestion/evidence-url-fetch';
export { TRUSTED_ROOT_PATH, trustMaterialFrom } from './signatures/sigstore';
