import { newId } from '@assay/shared/database';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { FeedMessage } from './feed-messages';

export interface FeedItem {
  id: string;
  type: string;
  title: string;
  body: string;
  subjectType: string | null;
  subjectId: string | null;
  eventId: string;
  createdAt: string;
  readAt: string | null;
}

interface FeedRow {
  id: string;
  event_type: string;
  title: string;
  body: string;
  subject_type: string | null;
  subject_id: string | null;
  event_id: string;
  created_at: Date;
  read_at: Date | null;
}

const toItem = (row: FeedRow): FeedItem => ({
  id: row.id,
  type: row.event_type,
  title: row.title,
  body: row.body,
  subjectType: row.subject_type,
  subjectId: row.subject_id,
  eventId: row.event_id,
  createdAt: row.created_at.toISOString(),
  readAt: row.read_at ? row.read_at.toISOString() : null,
});

/** One feed item per user per event; the unique key makes a replayed event add nothing. */
@Injectable()
export class FeedRepository {
  async addForUsers(
    manager: EntityManager,
    tenantId: string,
    userIds: string[],
    event: { id: string; type: string; timestamp: string },
    message: FeedMessage,
  ): Promise<void> {
    if (userIds.length === 0) return;
    await manager.query(
      `insert into notifications.feed_items (tenant_id, id, user_id, event_id, event_type, title, body, subject_type, subject_id, created_at)
       select $1, f.id, f.user_id, $3, $4, $5, $6, $7, $8, $9 from jsonb_to_recordset($2::jsonb) as f(id uuid, user_id uuid)
       on conflict (tenant_id, user_id, event_id) do nothing`,
      [
        tenantId,
        JSON.stringify(userIds.map((userId) => ({ id: newId(), user_id: userId }))),
        event.id,
        event.type,
        message.title,
        message.body,
        message.subjectType,
        message.subjectId,
        event.timestamp,
      ],
    );
  }

  async list(
    manager: EntityManager,
    tenantId: string,
    userId: string,
    unreadOnly: boolean,
    limit: number,
    after: [string, string] | null,
  ): Promise<FeedItem[]> {
    const rows: FeedRow[] = await manager.query(
      `select id, event_type, title, body, subject_type, subject_id, event_id, created_at, read_at from notifications.feed_items
        where tenant_id = $1 and user_id = $2 and (not $3 or read_at is null) and ($4::timestamptz is null or (created_at, id) < ($4, $5::uuid))
        order by created_at desc, id desc limit $6`,
      [tenantId, userId, unreadOnly, after?.[0] ?? null, after?.[1] ?? null, limit],
    );
    return rows.map(toItem);
  }

  /** Marks the user's own item read (the first time only); null when it is not theirs. */
  async markRead(manager: EntityManager, tenantId: string, userId: string, id: string): Promise<{ item: FeedItem; changed: boolean } | null> {
    const [rows]: [FeedRow[]] = await manager.query(
      `update notifications.feed_items set read_at = coalesce(read_at, app.now()) where tenant_id = $1 and user_id = $2 and id = $3
       returning id, event_type, title, body, subject_type, subject_id, event_id, created_at, read_at, (read_at = app.now()) as changed`,
      [tenantId, userId, id],
    );
    const row = rows[0] as (FeedRow & { changed: boolean }) | undefined;
    return row ? { item: toItem(row), changed: row.changed } : null;
  }
}
