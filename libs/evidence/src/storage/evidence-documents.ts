import { APP_CONFIG, AppConfig } from '@assay/shared/config';
import type { SafeResponse } from '@assay/shared/net';
import { Inject, Injectable } from '@nestjs/common';
import { Readable } from 'node:stream';
import { fetchEvidenceUrl } from '../ingestion/evidence-url-fetch';
import { EvidenceParseError } from '../parsing/parse-result';
import { BLOB_STORAGE, BlobStorage, StagedBlob } from './blob-storage';

/**
 * The worker's documents, under one set of rules: fetched from the internet through the SSRF guard
 * (redirects re-checked, the configured timeout and private-address policy), and kept in or read from
 * blob storage within the evidence size limit. URL evidence, signed security.txt keys, advisory feeds
 * and submitted advisory documents all go through here.
 */
@Injectable()
export class EvidenceDocuments {
  constructor(
    @Inject(BLOB_STORAGE) private readonly storage: BlobStorage,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The evidence size limit in bytes. */
  get maxBytes(): number {
    return this.config.evidence.maxBytes;
  }

  /** A GET through the SSRF guard reading at most `maxBytes` + 1 bytes (`truncated` says when there was more). */
  fetch(url: string, maxBytes: number, headers?: Record<string, string>): Promise<SafeResponse> {
    return fetchEvidenceUrl(url, {
      allowPrivate: this.config.webhookAllowPrivate,
      timeoutMs: this.config.evidence.urlFetchTimeoutMs,
      maxResponseBytes: maxBytes + 1,
      ...(headers ? { headers } : {}),
    });
  }

  /** Stages fetched bytes (within the size limit), hashed, for a commit under their key. */
  stage(body: Buffer): Promise<StagedBlob> {
    return this.storage.stage(Readable.from([body]), this.maxBytes);
  }

  commit(staged: StagedBlob, key: string): Promise<void> {
    return this.storage.commit(staged, key);
  }

  /** Streams a stored blob. */
  open(key: string): Promise<Readable> {
    return this.storage.open(key);
  }

  /** A stored blob whole; EvidenceParseError when it is larger than the size limit. */
  async read(key: string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of await this.storage.open(key)) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      size += buffer.length;
      if (size > this.maxBytes) throw new EvidenceParseError(`the document is larger than ${this.maxBytes} bytes`);
      chunks.push(buffer);
    }
    return Buffer.concat(chunks);
  }
}
