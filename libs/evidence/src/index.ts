export * from './evidence.module';
export { createBlobStorage } from './storage/blob-storage.provider';
export type { BlobStorage, StagedBlob } from './storage/blob-storage';
export { ComponentsRepository } from './components/components.repository';
export { fileTypeDetector, parseEvidence } from './parsing/evidence-parser';
