export * from './evidence.module';
export { createBlobStorage } from './storage/blob-storage.provider';
export type { BlobStorage, StagedBlob } from './storage/blob-storage';
