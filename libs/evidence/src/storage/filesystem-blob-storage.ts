import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BlobNotFoundError, BlobStat, BlobStorage, StagedBlob, assertBlobKey, hashingMeter } from './blob-storage';

const isMissing = (error: unknown) => (error as NodeJS.ErrnoException).code === 'ENOENT';

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
    const meter = hashingMeter(maxBytes);
    try {
      await pipeline(source, meter.stream, createWriteStream(handle, { flags: 'wx' }));
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
    return { ...meter.result(), handle };
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
    if (!(await this.stat(key))) throw new BlobNotFoundError(key);
    return createReadStream(path);
  }

  async stat(key: string): Promise<BlobStat | null> {
    try {
      const found = await stat(this.pathOf(key));
      return found.isFile() ? { size: found.size } : null;
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  private pathOf(key: string): string {
    assertBlobKey(key);
    const path = resolve(this.root, key);
    if (!path.startsWith(this.root + sep)) throw new Error(`invalid blob key ${key}`);
    return path;
  }
}
