import { mapColumns, updateReturning } from '@assay/shared/database';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export const ADVISORY_FEED_FORMATS = ['osv', 'csaf-provider', 'kev'] as const;
export type AdvisoryFeedFormat = (typeof ADVISORY_FEED_FORMATS)[number];
export type AdvisoryFeedStatus = 'ok' | 'failing';

/** Feeds one tenant may register. */
export const MAX_ADVISORY_FEEDS = 50;

export interface AdvisoryFeed {
  id: string;
  url: string;
  format: AdvisoryFeedFormat;
  status: AdvisoryFeedStatus;
  lastPolledAt: string | null;
  lastError: string | null;
  nextPollAt: string;
  createdAt: string;
}

interface FeedRow {
  id: string;
  url: string;
  format: AdvisoryFeedFormat;
  status: AdvisoryFeedStatus;
  last_polled_at: Date | null;
  last_error: string | null;
  next_poll_at: Date;
  created_at: Date;
}

const COLUMNS = `id, url, format, status, last_polled_at, last_error, next_poll_at, created_at`;

function toFeed(row: FeedRow): AdvisoryFeed {
  return mapColumns(row, COLUMNS);
}

/** A due feed as a poll reads it: where, what, and the validators of the last answer. */
export interface DueFeed {
  id: string;
  url: string;
  format: AdvisoryFeedFormat;
  etag: string | null;
  lastModified: string | null;
  failures: number;
}

/** Every statement on the tenant's advisory feeds. */
@Injectable()
export class AdvisoryFeedsRepository {
  async count(manager: EntityManager, tenantId: string): Promise<number> {
    const rows: { n: number }[] = await manager.query(`select count(*)::int as n from evidence.advisory_feeds where tenant_id = $1`, [tenantId]);
    return rows[0]?.n ?? 0;
  }

  /** A new feed, due at once; null when the tenant already has this URL in this format. */
  async insert(
    manager: EntityManager,
    tenantId: string,
    input: { id: string; url: string; format: AdvisoryFeedFormat; createdBy: string | null },
  ): Promise<AdvisoryFeed | null> {
    const rows: FeedRow[] = await manager.query(
      `insert into evidence.advisory_feeds (tenant_id, id, url, format, created_by, next_poll_at, created_at)
       values ($1, $2, $3, $4, $5, date_trunc('milliseconds', app.now()), date_trunc('milliseconds', app.now()))
       on conflict (tenant_id, url, format) do nothing
       returning ${COLUMNS}`,
      [tenantId, input.id, input.url, input.format, input.createdBy],
    );
    return rows[0] ? toFeed(rows[0]) : null;
  }

  async list(manager: EntityManager, tenantId: string): Promise<AdvisoryFeed[]> {
    const rows: FeedRow[] = await manager.query(
      `select ${COLUMNS} from evidence.advisory_feeds where tenant_id = $1 order by created_at desc, id desc limit ${MAX_ADVISORY_FEEDS}`,
      [tenantId],
    );
    return rows.map(toFeed);
  }

  async delete(manager: EntityManager, tenantId: string, id: string): Promise<boolean> {
    const [, count]: [unknown, number] = await manager.query(`delete from evidence.advisory_feeds where tenant_id = $1 and id = $2`, [tenantId, id]);
    return count > 0;
  }

  /** Tenants (system role, across tenants) with a feed due. */
  async tenantsWithFeedsDue(manager: EntityManager, limit: number): Promise<string[]> {
    const rows: { tenant_id: string }[] = await manager.query(
      `select tenant_id from evidence.advisory_feeds where next_poll_at <= app.now() group by tenant_id limit $1`,
      [limit],
    );
    return rows.map((row) => row.tenant_id);
  }

  /**
   * Takes up to `limit` of the tenant's due feeds: each is moved to its next regular poll at once, so
   * a second poller (or a retried job) leaves it alone; the outcome then sets its status and due time.
   */
  async claimDue(manager: EntityManager, tenantId: string, limit: number, pollMs: number): Promise<DueFeed[]> {
    const rows = await updateReturning<{
      id: string;
      url: string;
      format: AdvisoryFeedFormat;
      etag: string | null;
      last_modified: string | null;
      failures: number;
    }>(
      manager,
      `update evidence.advisory_feeds f set next_poll_at = date_trunc('milliseconds', app.now()) + make_interval(secs => $3::double precision / 1000)
        where f.tenant_id = $1 and f.id in (
          select id from evidence.advisory_feeds where tenant_id = $1 and next_poll_at <= app.now() order by next_poll_at limit $2 for update skip locked)
        returning f.id, f.url, f.format, f.etag, f.last_modified, f.failures`,
      [tenantId, limit, pollMs],
    );
    return rows.map((row) => ({ id: row.id, url: row.url, format: row.format, etag: row.etag, lastModified: row.last_modified, failures: row.failures }));
  }

  /** A poll that worked (a new document, or 304 Not Modified): the feed is ok and due again in `pollMs`. */
  async recordSuccess(
    manager: EntityManager,
    tenantId: string,
    id: string,
    validators: { etag: string | null; lastModified: string | null },
    pollMs: number,
  ): Promise<void> {
    await manager.query(
      `update evidence.advisory_feeds
          set status = 'ok', failures = 0, last_error = null, etag = $3, last_modified = $4,
              last_polled_at = date_trunc('milliseconds', app.now()),
              next_poll_at = date_trunc('milliseconds', app.now()) + make_interval(secs => $5::double precision / 1000)
        where tenant_id = $1 and id = $2`,
      [tenantId, id, validators.etag, validators.lastModified, pollMs],
    );
  }

  /** A poll that failed: the feed is failing, with its error, and retried after `retryMs`. */
  async recordFailure(manager: EntityManager, tenantId: string, id: string, error: string, retryMs: number): Promise<void> {
    await manager.query(
      `update evidence.advisory_feeds
          set status = 'failing', failures = failures + 1, last_error = $3,
              last_polled_at = date_trunc('milliseconds', app.now()),
              next_poll_at = date_trunc('milliseconds', app.now()) + make_interval(secs => $4::double precision / 1000)
        where tenant_id = $1 and id = $2`,
      [tenantId, id, error, retryMs],
    );
  }
}
