import { APP_CONFIG, AppConfig } from '@assay/shared/config';
import type { Provider } from '@nestjs/common';
import { fileURLToPath } from 'node:url';
import { BLOB_STORAGE, BlobStorage } from './blob-storage';
import { FilesystemBlobStorage } from './filesystem-blob-storage';

/** The blob storage driver named by STORAGE_URL. */
export function createBlobStorage(storageUrl: string): BlobStorage {
  const url = new URL(storageUrl);
  if (url.protocol === 'file:') return new FilesystemBlobStorage(fileURLToPath(url));
  throw new Error(`STORAGE_URL scheme ${url.protocol} is not supported by this release (use file:///…)`);
}

export const BLOB_STORAGE_PROVIDER: Provider = {
  provide: BLOB_STORAGE,
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig) => createBlobStorage(config.storageUrl),
};
