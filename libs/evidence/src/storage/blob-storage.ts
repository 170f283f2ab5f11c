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

/**
 * Where evidence bytes live. Blobs are content-addressed: the key names the tenant and the SHA-256,
 * so identical content of one tenant is stored once. Writes are staged, then committed atomically.
 */
export interface BlobStorage {
  /** Streams `source` into a staging area, hashing and counting as it goes, never buffering it whole. */
  stage(source: Readable, maxBytes: number): Promise<StagedBlob>;
  /** Makes staged bytes visible under `key` (a no-op when the key already holds them). */
  commit(staged: StagedBlob, key: string): Promise<void>;
  /** Drops staged bytes that will not be kept. */
  discard(staged: StagedBlob): Promise<void>;
  /** Streams a committed blob. */
  open(key: string): Promise<Readable>;
  /** Reads a committed blob whole (the worker parses it), refusing more than `maxBytes`. */
  read(key: string, maxBytes: number): Promise<Buffer>;
}

export const BLOB_STORAGE = Symbol('BLOB_STORAGE');

/** The content-addressed key of a tenant's blob. */
export function blobKey(tenantId: string, sha256: string): string {
  return `${tenantId}/${sha256.slice(0, 2)}/${sha256}`;
}
