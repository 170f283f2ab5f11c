import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { BlobNotFoundError, BlobStorage, blobKey, createBlobStorage } from '@assay/evidence';
import type { S3StorageConfig } from '@assay/shared/config';
import { TestS3Server, startS3Server } from '@assay/shared/testing';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';

const MB = 1024 * 1024;
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** A committed blob's bytes, as its stream delivers them. */
async function read(storage: BlobStorage, key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await storage.open(key)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A body delivered in 64 KiB chunks, as a network upload arrives (never one buffer handed over whole). */
function chunked(content: Buffer, failAfter?: number): Readable {
  return Readable.from(
    (function* () {
      for (let at = 0; at < content.length; at += 64 * 1024) {
        if (failAfter !== undefined && at >= failAfter) throw new Error('client went away');
        yield content.subarray(at, at + 64 * 1024);
      }
    })(),
  );
}

/** A driver and a way to see what it left in its staging area. */
interface Harness {
  storage: BlobStorage;
  staged(): Promise<string[]>;
  close(): Promise<void>;
}

let s3: TestS3Server;
beforeAll(async () => {
  s3 = await startS3Server({ bucket: 'assay-contract' });
});
afterAll(async () => {
  await s3.stop();
});

/** The S3 driver as STORAGE_URL=s3://bucket/prefix and the S3_* variables configure it. */
function s3Settings(prefix: string, override: Partial<S3StorageConfig> = {}): S3StorageConfig {
  return {
    bucket: s3.bucket,
    prefix,
    region: s3.region,
    endpoint: s3.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    partSize: 5 * MB,
    ...override,
  };
}
const s3Storage = (settings: S3StorageConfig) => createBlobStorage({ storageUrl: `s3://${settings.bucket}/${settings.prefix}`, s3: settings });

const drivers: [string, () => Promise<Harness>][] = [
  [
    'filesystem',
    async () => {
      const root = mkdtempSync(join(tmpdir(), 'assay-blobs-'));
      return {
        storage: createBlobStorage({ storageUrl: `file://${root}`, s3: undefined }),
        staged: async () => readdirSync(join(root, 'tmp')),
        close: async () => rmSync(root, { recursive: true, force: true }),
      };
    },
  ],
  [
    's3',
    async () => {
      const prefix = `contract-${randomUUID()}/`;
      const settings = s3Settings(prefix);
      const client = new S3Client({ region: s3.region, endpoint: s3.endpoint, forcePathStyle: true, credentials: settings.credentials });
      const staged = async () => {
        const listed = await client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: `${prefix}tmp/` }));
        return (listed.Contents ?? []).map((object) => object.Key as string);
      };
      return { storage: s3Storage(settings), staged, close: async () => client.destroy() };
    },
  ],
];

describe.each(drivers)('blob storage contract: %s driver', (driver, make) => {
  let harness: Harness;
  let storage: BlobStorage;
  const tenantId = randomUUID();

  beforeEach(async () => {
    harness = await make();
    storage = harness.storage;
  });
  afterEach(async () => {
    await harness.close();
  });

  it('stages while hashing, commits under the content address, reads back, stats and deletes', async () => {
    const content = Buffer.from('{"bomFormat":"CycloneDX","specVersion":"1.5"}');
    const staged = await storage.stage(chunked(content), MB);
    expect(staged).toMatchObject({ sha256: sha256(content), size: content.length, tooLarge: false });
    const key = blobKey(tenantId, staged.sha256);
    expect(await storage.stat(key)).toBeNull();

    await storage.commit(staged, key);
    expect(await harness.staged()).toEqual([]);
    expect(await storage.stat(key)).toEqual({ size: content.length });
    expect((await read(storage, key)).equals(content)).toBe(true);

    await storage.delete(key);
    expect(await storage.stat(key)).toBeNull();
    await storage.delete(key);
  });

  it('streams a large upload (multipart in S3) without changing a byte', async () => {
    const content = randomBytes(12 * MB + 123);
    const before = driver === 's3' ? s3.accepted.length : 0;
    const staged = await storage.stage(chunked(content), 50 * MB);
    expect(staged).toMatchObject({ sha256: sha256(content), size: content.length, tooLarge: false });
    const key = blobKey(tenantId, staged.sha256);
    await storage.commit(staged, key);
    if (driver === 's3') {
      // 12 MB in 5 MB parts: three UploadPart requests, none larger than a part.
      const parts = s3.accepted.slice(before).filter((request) => request.method === 'PUT' && request.query['partNumber']);
      expect(parts.map((part) => part.query['partNumber'])).toEqual(expect.arrayContaining(['1', '2', '3']));
      expect(Math.max(...parts.map((part) => part.bytes))).toBeLessThanOrEqual(5 * MB);
    }
    expect(sha256(await read(storage, key))).toBe(staged.sha256);
    expect(await storage.stat(key)).toEqual({ size: content.length });
  });

  it('stores identical content once: committing it again writes nothing and drops the staged copy', async () => {
    const content = randomBytes(2048);
    const first = await storage.stage(chunked(content), MB);
    const key = blobKey(tenantId, first.sha256);
    await storage.commit(first, key);
    const before = driver === 's3' ? s3.accepted.length : 0;
    const second = await storage.stage(chunked(content), MB);
    expect(second.handle).not.toBe(first.handle);
    await storage.commit(second, key);
    expect(await harness.staged()).toEqual([]);
    if (driver === 's3') expect(s3.accepted.slice(before).filter((request) => request.copy)).toEqual([]);
    expect((await read(storage, key)).equals(content)).toBe(true);
  });

  it('cuts an upload at the limit, discards staged bytes, and leaves nothing when the source fails', async () => {
    const content = randomBytes(300 * 1024);
    const staged = await storage.stage(chunked(content), 100 * 1024);
    expect(staged.tooLarge).toBe(true);
    expect(staged.size).toBeLessThanOrEqual(100 * 1024);
    expect(await harness.staged()).toHaveLength(1);
    await storage.discard(staged);
    expect(await harness.staged()).toEqual([]);

    await expect(storage.stage(chunked(randomBytes(6 * MB), 5.5 * MB), 50 * MB)).rejects.toThrow('client went away');
    expect(await harness.staged()).toEqual([]);
  });

  it('answers a missing blob as missing and refuses keys that are not content addresses', async () => {
    const key = blobKey(tenantId, sha256(randomBytes(8)));
    expect(await storage.stat(key)).toBeNull();
    await expect(storage.open(key)).rejects.toBeInstanceOf(BlobNotFoundError);
    await storage.delete(key);
    for (const bad of [`${tenantId}/../../etc/passwd`, `../${key}`, `${tenantId}/ab/${'0'.repeat(63)}`]) {
      await expect(storage.stat(bad)).rejects.toThrow(/invalid blob key/);
    }
  });
});

describe('S3 driver: requests are signed (SigV4) for the configured credentials and region', () => {
  it('is refused with a wrong secret or region, and accepted with the right ones', async () => {
    const key = blobKey(randomUUID(), sha256(Buffer.from('x')));
    const attempt = (override: { secretAccessKey?: string; region?: string }) =>
      s3Storage(
        s3Settings('', {
          region: override.region ?? s3.region,
          credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: override.secretAccessKey ?? s3.secretAccessKey },
        }),
      ).stat(key);
    const refusedBefore = s3.refused;
    await expect(attempt({ secretAccessKey: 'not-the-secret' })).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
    await expect(attempt({ region: 'us-east-1' })).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
    expect(s3.refused).toBe(refusedBefore + 2);
    expect(await attempt({})).toBeNull();
  });
});
