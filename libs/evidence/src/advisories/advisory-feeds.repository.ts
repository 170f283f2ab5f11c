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
  return {
    id: row.id,
    url: row.url,
    format: row.format,
    status: row.status,
    lastPolledAt: row.last_polled_at ? row.last_polled_at.toISOString() : null,
    lastError: row.last_error,
    nextPollAt: row.next_poll_at.toISOString(),
    createdAt: row.created_at.toISOString(),
  };
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
}
