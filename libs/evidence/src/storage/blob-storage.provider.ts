import { APP_CONFIG, AppConfig } from '@assay/shared/config';
import type { Provider } from '@nestjs/common';
import { fileURLToPath } from 'node:url';
import { BLOB_STORAGE, BlobStorage } from './blob-storage';
import { FilesystemBlobStorage } from './filesystem-blob-storage';
import type * as S3Driver from './s3-blob-storage';

/** The blob storage driver named by STORAGE_URL (`file:///dir` or `s3://bucket[/prefix]` with the S3 settings). */
export function createBlobStorage(config: Pick<AppConfig, 'storageUrl' | 's3'>): BlobStorage {
  if (config.s3) {
    // Loaded only when configured: the AWS SDK adds about 20 MB to every process that loads it.
    const { S3BlobStorage, s3Client } = require('./s3-blob-storage') as typeof S3Driver;
    return new S3BlobStorage(s3Client(config.s3), config.s3);
  }
  const url = new URL(config.storageUrl);
  if (url.protocol === 'file:') return new FilesystemBlobStorage(fileURLToPath(url));
  throw new Error(`STORAGE_URL scheme ${url.protocol} is not supported (use file:///… or s3://…)`);
}

export const BLOB_STORAGE_PROVIDER: Provider = {
  provide: BLOB_STORAGE,
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig) => createBlobStorage(config),
};
