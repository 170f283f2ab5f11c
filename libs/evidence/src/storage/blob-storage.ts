import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import type { Readable } from 'node:stream';

/** Content staged in storage while it arrived: hashed and counted, not yet visible under its key. */
export interface StagedBlob {
  sha256: string;
  size: number;
  /** The upload was cut at the size limit (the rest was read and discarded). */
  tooLarge: boolean;
  /** Driver-specific handle of the staged bytes. */
  handle: string;
}

/** What storage knows of a committed blob. */
export interface BlobStat {
  size: number;
}

/**
 * Where evidence bytes live. Blobs are content-addressed: the key names the tenant and the SHA-256,
 * so identical content of one tenant is stored once. Writes are staged, then committed atomically.
 */
export interface BlobStorage {
  /** Streams `source` into a staging area, hashing and counting as it goes, never buffering it whole. */
  stage(source: Readable, maxBytes: number): Promise<StagedBlob>;
  /** Makes staged bytes visible under `key` (the key already holding them is not written again). */
  commit(staged: StagedBlob, key: string): Promise<void>;
  /** Drops staged bytes that will not be kept. */
  discard(staged: StagedBlob): Promise<void>;
  /** Streams a committed blob (the worker parses it as it streams); BlobNotFoundError when there is none. */
  open(key: string): Promise<Readable>;
  /** The committed blob under `key`, or null. */
  stat(key: string): Promise<BlobStat | null>;
  /** Deletes the committed blob under `key` if there is one. */
  delete(key: string): Promise<void>;
}

export const BLOB_STORAGE = Symbol('BLOB_STORAGE');

/** No blob is stored under the key. */
export class BlobNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`no blob is stored under ${key}`);
    this.name = 'BlobNotFoundError';
  }
}

const KEY_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\/[0-9a-f]{2}\/[0-9a-f]{64}$/;

/** The content-addressed key of a tenant's blob. */
export function blobKey(tenantId: string, sha256: string): string {
  return `${tenantId}/${sha256.slice(0, 2)}/${sha256}`;
}

/** Refuses anything but a key made by `blobKey` (no path traversal, no other tenant's prefix tricks). */
export function assertBlobKey(key: string): void {
  if (!KEY_PATTERN.test(key)) throw new Error(`invalid blob key ${key}`);
}

/**
 * A pass-through that hashes (SHA-256) and counts what flows through it. Past `maxBytes` it keeps
 * reading, so the client's request completes and gets its answer, but passes nothing more on.
 */
export function hashingMeter(maxBytes: number): { stream: Transform; result(): Omit<StagedBlob, 'handle'> } {
  const hash = createHash('sha256');
  let size = 0;
  let tooLarge = false;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      if (tooLarge) return callback();
      if (size + chunk.length > maxBytes) {
        tooLarge = true;
        return callback();
      }
      size += chunk.length;
      hash.update(chunk);
      callback(null, chunk);
    },
  });
  return { stream, result: () => ({ sha256: hash.digest('hex'), size, tooLarge }) };
}
