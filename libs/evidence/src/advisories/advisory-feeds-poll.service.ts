import { APP_CONFIG, AppConfig } from '@assay/shared/config';
import { JobName } from '@assay/shared/contracts';
import { TenantDatabase } from '@assay/shared/database';
import { JobProducer } from '@assay/shared/queue';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { EvidenceDocuments } from '../storage/evidence-documents';
import { AdvisoriesService } from './advisories.service';
import { AdvisoryFeedFormat, AdvisoryFeedsRepository, DueFeed } from './advisory-feeds.repository';

const TENANTS_PER_TICK = 5_000;
const FEEDS_PER_JOB = 20;
/** Documents read from one CSAF provider per poll. */
export const MAX_CSAF_DOCUMENTS = 100;
/** The first retry of a failing feed; doubled per failure, never later than the regular poll. */
export const FEED_RETRY_BASE_MS = 30_000;
const PROVIDER_METADATA_BYTES = 1024 * 1024;

/** A feed answer that cannot be used: the feed is marked failing with this reason and retried with backoff. */
class FeedProblem extends Error {}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | null {
  const value = headers[name];
  return typeof value === 'string' ? value.slice(0, 512) : null;
}

function parseJson(body: Buffer, what: string): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new FeedProblem(`the ${what} is not JSON`);
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Whether a feed's answer is the kind of document its format promises. */
function fitsFormat(format: AdvisoryFeedFormat, document: unknown): boolean {
  if (format === 'kev') return isRecord(document) && typeof document['catalogVersion'] === 'string' && Array.isArray(document['vulnerabilities']);
  const isOsv = (item: unknown) => isRecord(item) && typeof item['id'] === 'string' && typeof item['modified'] === 'string';
  return Array.isArray(document) ? document.length > 0 && document.every(isOsv) : isOsv(document);
}

/** The document URLs a CSAF provider-metadata.json lists: each ROLIE feed's entries, and each directory's index.txt. */
function csafDocumentSources(metadata: unknown): { rolie: string[]; directories: string[] } {
  if (!isRecord(metadata) || !Array.isArray(metadata['distributions'])) throw new FeedProblem('the provider metadata has no distributions');
  const rolie: string[] = [];
  const directories: string[] = [];
  for (const distribution of metadata['distributions'].slice(0, 20)) {
    if (!isRecord(distribution)) continue;
    if (typeof distribution['directory_url'] === 'string') directories.push(distribution['directory_url']);
    const feeds = isRecord(distribution['rolie']) && Array.isArray(distribution['rolie']['feeds']) ? distribution['rolie']['feeds'] : [];
    for (const feed of feeds.slice(0, 20)) if (isRecord(feed) && typeof feed['url'] === 'string') rolie.push(feed['url']);
  }
  return { rolie, directories };
}

/**
 * Pulls the tenant's advisory feeds. The tick (system role) finds the tenants with a feed due and fans
 * out one job each; the job takes the due feeds and fetches each through the SSRF guard with a
 * conditional request (the stored `ETag` / `Last-Modified`). A new answer goes down the same path as
 * a submitted document (kept content-addressed, read by the import job), so a record version already
 * held is never imported twice. Garbage, refusals and timeouts mark the feed failing with the reason,
 * retried after a delay doubling per failure.
 */
@Injectable()
export class AdvisoryFeedsPollService {
  private readonly logger = new Logger(AdvisoryFeedsPollService.name);

  constructor(
    private readonly database: TenantDatabase,
    private readonly feeds: AdvisoryFeedsRepository,
    private readonly advisories: AdvisoriesService,
    private readonly producer: JobProducer,
    private readonly documents: EvidenceDocuments,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async fanOut(): Promise<{ tenants: number }> {
    const tenantIds = await this.database.runAsSystem((manager) => this.feeds.tenantsWithFeedsDue(manager, TENANTS_PER_TICK));
    return this.producer.fanOutPerTenant(JobName.AdvisoryFeedsPoll, tenantIds, 'advisory-feeds');
  }

  async poll(tenantId: string): Promise<{ polled: number; failing: number }> {
    const pollMs = this.config.evidence.advisoryFeedPollMs;
    const due = await this.database.run((manager) => this.feeds.claimDue(manager, tenantId, FEEDS_PER_JOB, pollMs), tenantId);
    let failing = 0;
    for (const feed of due) {
      try {
        const validators = await this.pull(tenantId, feed);
        await this.database.run((manager) => this.feeds.recordSuccess(manager, tenantId, feed.id, validators, pollMs), tenantId);
      } catch (error) {
        if (!(error instanceof FeedProblem)) this.logger.warn(`advisory feed ${feed.id}: ${(error as Error).message}`);
        const reason = (error instanceof FeedProblem ? error.message : `the feed could not be read: ${(error as Error).message}`).slice(0, 500);
        const retryMs = Math.min(pollMs, FEED_RETRY_BASE_MS * 2 ** Math.min(feed.failures, 16));
        await this.database.run((manager) => this.feeds.recordFailure(manager, tenantId, feed.id, reason, retryMs), tenantId);
        failing++;
      }
    }
    return { polled: due.length, failing };
  }

  /** One poll of one feed; answers the validators to keep. */
  private async pull(tenantId: string, feed: DueFeed): Promise<{ etag: string | null; lastModified: string | null }> {
    const conditional: Record<string, string> = {};
    if (feed.etag) conditional['if-none-match'] = feed.etag;
    if (feed.lastModified) conditional['if-modified-since'] = feed.lastModified;
    const response = await this.get(feed.url, this.documents.maxBytes, conditional);
    if (response.status === 304) return { etag: feed.etag, lastModified: feed.lastModified };
    const validators = { etag: header(response.headers, 'etag'), lastModified: header(response.headers, 'last-modified') };
    if (feed.format === 'csaf-provider') {
      await this.pullCsafProvider(tenantId, parseJson(response.body, 'provider metadata'));
      return validators;
    }
    const document = parseJson(response.body, 'feed answer');
    if (!fitsFormat(feed.format, document))
      throw new FeedProblem(
        feed.format === 'kev' ? 'the feed did not answer the KEV catalogue' : 'the feed did not answer an OSV record or a JSON array of them',
      );
    await this.submit(tenantId, response.body);
    return validators;
  }

  /** The provider's documents (at most MAX_CSAF_DOCUMENTS), each submitted like an upload. */
  private async pullCsafProvider(tenantId: string, metadata: unknown): Promise<void> {
    const sources = csafDocumentSources(metadata);
    const urls: string[] = [];
    for (const rolie of sources.rolie) {
      if (urls.length >= MAX_CSAF_DOCUMENTS) break;
      const feed = parseJson((await this.get(rolie, PROVIDER_METADATA_BYTES * 10)).body, 'ROLIE feed');
      const entries = isRecord(feed) && isRecord(feed['feed']) && Array.isArray(feed['feed']['entry']) ? feed['feed']['entry'] : [];
      for (const entry of entries) {
        const src = isRecord(entry) && isRecord(entry['content']) ? entry['content']['src'] : undefined;
        if (typeof src === 'string') urls.push(new URL(src, rolie).toString());
      }
    }
    for (const directory of sources.directories) {
      if (urls.length >= MAX_CSAF_DOCUMENTS) break;
      const base = directory.endsWith('/') ? directory : `${directory}/`;
      const index = (await this.get(new URL('index.txt', base).toString(), PROVIDER_METADATA_BYTES)).body.toString('utf8');
      for (const line of index
        .split('\n')
        .map((item) => item.trim())
        .filter((item) => item.endsWith('.json')))
        urls.push(new URL(line, base).toString());
    }
    for (const url of [...new Set(urls)].slice(0, MAX_CSAF_DOCUMENTS)) {
      const body = (await this.get(url, this.documents.maxBytes)).body;
      const document = parseJson(body, `CSAF document ${url}`);
      if (!isRecord(document) || !isRecord(document['document']) || typeof document['document']['csaf_version'] !== 'string')
        throw new FeedProblem(`${url} is not a CSAF document`);
      await this.submit(tenantId, body);
    }
  }

  private async submit(tenantId: string, body: Buffer): Promise<void> {
    await this.advisories.accept(tenantId, await this.documents.stage(body), this.documents.maxBytes);
  }

  /** A GET through the SSRF guard that must answer 2xx (or 304 to a conditional request) within the size limit. */
  private async get(url: string, maxBytes: number, conditional: Record<string, string> = {}) {
    let response;
    try {
      response = await this.documents.fetch(url, maxBytes, { accept: 'application/json', ...conditional });
    } catch (error) {
      throw new FeedProblem((error as Error).message);
    }
    if (response.status === 304 && Object.keys(conditional).length > 0) return response;
    if (response.status < 200 || response.status > 299) throw new FeedProblem(`${url} answered HTTP ${response.status}`);
    if (response.truncated) throw new FeedProblem(`${url} answered more than ${maxBytes} bytes`);
    return response;
  }
}
