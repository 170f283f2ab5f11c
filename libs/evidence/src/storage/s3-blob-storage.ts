import { CopyObjectCommand, DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { S3StorageConfig } from '@assay/shared/config';
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BlobNotFoundError, BlobStat, BlobStorage, StagedBlob, assertBlobKey, hashingMeter } from './blob-storage';

/** Parts of one upload in flight at once: memory per upload stays near (queue + 1) × part size. */
const QUEUE_SIZE = 2;

const isMissing = (error: unknown) =>
  error instanceof S3ServiceException && (error.$metadata.httpStatusCode === 404 || error.name === 'NoSuchKey' || error.name === 'NotFound');

/** Builds the SDK client for a bucket's settings. */
export function s3Client(config: S3StorageConfig): S3Client {
  return new S3Client({
    region: config.region,
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    forcePathStyle: config.forcePathStyle,
    ...(config.credentials ? { credentials: config.credentials } : {}),
  });
}

/**
 * Blobs as objects of one bucket, under `<prefix><tenant>/<sha[0:2]>/<sha256>`. An upload streams
 * (AWS SDK multipart upload: one part at a time, never the whole body in memory) to a staging object
 * under `<prefix>tmp/`, because its hash, and so its key, is known only at the end; commit copies it
 * to its content address on the server side (unless that object already exists) and deletes the
 * staging object. A crash between the two leaves only a staging object: expire `<prefix>tmp/` with a
 * bucket lifecycle rule.
 */
export class S3BlobStorage implements BlobStorage {
  constructor(
    private readonly client: S3Client,
    private readonly config: Pick<S3StorageConfig, 'bucket' | 'prefix' | 'partSize'>,
  ) {}

  async stage(source: Readable, maxBytes: number): Promise<StagedBlob> {
    const handle = `${this.config.prefix}tmp/${randomUUID()}`;
    const meter = hashingMeter(maxBytes);
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.config.bucket, Key: handle, Body: meter.stream, ContentType: 'application/octet-stream' },
      partSize: this.config.partSize,
      queueSize: QUEUE_SIZE,
      leavePartsOnError: false,
    });
    // A failed upload stops reading: end the pipeline with it, or the source would wait for ever.
    const uploaded = upload.done().catch((error: unknown) => {
      meter.stream.destroy(error as Error);
      throw error;
    });
    const [feeding, uploading] = await Promise.allSettled([pipeline(source, meter.stream), uploaded]);
    if (feeding.status === 'rejected') {
      // The source failed (a client gone mid-upload): whatever reached the bucket is not kept.
      if (uploading.status === 'fulfilled') await this.deleteObject(handle);
      throw feeding.reason;
    }
    if (uploading.status === 'rejected') throw uploading.reason;
    return { ...meter.result(), handle };
  }

  async commit(staged: StagedBlob, key: string): Promise<void> {
    const target = this.objectKey(key);
    if (!(await this.stat(key))) {
      await this.client.send(
        new CopyObjectCommand({ Bucket: this.config.bucket, Key: target, CopySource: this.copySource(staged.handle), ContentType: 'application/octet-stream' }),
      );
    }
    await this.deleteObject(staged.handle);
  }

  async discard(staged: StagedBlob): Promise<void> {
    await this.deleteObject(staged.handle);
  }

  async open(key: string): Promise<Readable> {
    try {
      const object = await this.client.send(new GetObjectCommand({ Bucket: this.config.bucket, Key: this.objectKey(key) }));
      return object.Body as Readable;
    } catch (error) {
      if (isMissing(error)) throw new BlobNotFoundError(key);
      throw error;
    }
  }

  async stat(key: string): Promise<BlobStat | null> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.config.bucket, Key: this.objectKey(key) }));
      return { size: head.ContentLength ?? 0 };
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await this.deleteObject(this.objectKey(key));
  }

  /** Deleting an absent object succeeds in S3, so this is "delete if present". */
  private async deleteObject(objectKey: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.config.bucket, Key: objectKey }));
  }

  private objectKey(key: string): string {
    assertBlobKey(key);
    return `${this.config.prefix}${key}`;
  }

  private copySource(objectKey: string): string {
    return `${this.config.bucket}/${objectKey.split('/').map(encodeURIComponent).join('/')}`;
  }
}
