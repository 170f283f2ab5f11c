import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BlobStorage, StagedBlob } from './blob-storage';

const KEY_PATTERN = /^[0-9a-f-]{36}\/[0-9a-f]{2}\/[0-9a-f]{64}$/;

/**
 * Blobs as files under one root: staged in `tmp/`, fsynced, then renamed into place (a rename within
 * one filesystem is atomic, so a reader never sees a partial blob and a crash leaves only a temp file).
 */
export class FilesystemBlobStorage implements BlobStorage {
  private readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  async stage(source: Readable, maxBytes: number): Promise<StagedBlob> {
    const tmpDir = join(this.root, 'tmp');
    await mkdir(tmpDir, { recursive: true });
    const handle = join(tmpDir, `${randomUUID()}.part`);
    const hash = createHash('sha256');
    let size = 0;
    let tooLarge = false;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        if (tooLarge) return callback();
        if (size + chunk.length > maxBytes) {
          // Keep reading (so the client's request completes and gets its answer) but keep nothing more.
          tooLarge = true;
          return callback();
        }
        size += chunk.length;
        hash.update(chunk);
        callback(null, chunk);
      },
    });
    try {
      await pipeline(source, meter, createWriteStream(handle, { flags: 'wx' }));
      const file = await open(handle, 'r+');
      try {
        await file.sync();
      } finally {
        await file.close();
      }
    } catch (error) {
      await rm(handle, { force: true });
      throw error;
    }
    return { sha256: hash.digest('hex'), size, tooLarge, handle };
  }

  async commit(staged: StagedBlob, key: string): Promise<void> {
    const target = this.pathOf(key);
    await mkdir(dirname(target), { recursive: true });
    await rename(staged.handle, target);
  }

  async discard(staged: StagedBlob): Promise<void> {
    await rm(staged.handle, { force: true });
  }

  async open(key: string): Promise<Readable> {
    const path = this.pathOf(key);
    await stat(path);
    return createReadStream(path);
  }

  async read(key: string, maxBytes: number): Promise<Buffer> {
    const path = this.pathOf(key);
    const { size } = await stat(path);
    if (size > maxBytes) throw new Error(`blob ${key} is larger than ${maxBytes} bytes`);
    const chunks: Buffer[] = [];
    for await (const chunk of createReadStream(path)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  private pathOf(key: string): string {
    if (!KEY_PATTERN.test(key)) throw new Error(`invalid blob key ${key}`);
    const path = resolve(this.root, key);
    if (!path.startsWith(this.root + sep)) throw new Error(`invalid blob key ${key}`);
    return path;
  }
}
