import { mapColumns, newId } from '@assay/shared/database';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export type DeliveryStatus = 'pending' | 'succeeded' | 'failed' | 'cancelled';

export interface WebhookAttempt {
  attempt: number;
  startedAt: string;
  durationMs: number;
  statusCode: number | null;
  /** The first bytes of the receiver's answer. */
  responseSnippet: string | null;
  error: string | null;
  succeeded: boolean;
}

export interface WebhookDelivery {
  id: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  status: DeliveryStatus;
  attemptCount: number;
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  redeliveryOf: string | null;
  createdAt: string;
  completedAt: string | null;
  attempts: WebhookAttempt[];
}

/** What an attempt needs: the delivery, its endpoint and the exact body. */
export interface DeliveryForAttempt {
  id: string;
  endpointId: string;
  eventId: string;
  body: string;
  status: DeliveryStatus;
  attempts: number;
  url: string;
  endpointEnabled: boolean;
}

interface DeliveryRow {
  id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: Date | null;
  last_attempt_at: Date | null;
  last_status_code: number | null;
  last_error: string | null;
  redelivery_of: string | null;
  created_at: Date;
  completed_at: Date | null;
  attempt_log: WebhookAttempt[] | null;
}

const iso = (value: Date | null) => (value ? value.toISOString() : null);

/** A delivery as the API states it: the row by convention, but for the attempt count, the log and a next attempt only while pending. */
function toDelivery(row: DeliveryRow): WebhookDelivery {
  return {
    ...mapColumns(row, 'id, endpoint_id, event_id, event_type, status'),
    attemptCount: row.attempts,
    nextAttemptAt: row.status === 'pending' ? iso(row.next_attempt_at) : null,
    ...mapColumns(row, 'last_attempt_at, last_status_code, last_error, redelivery_of, created_at, completed_at'),
    attempts: row.attempt_log ?? [],
  };
}

const SELECT_DELIVERY = `select d.id, d.endpoint_id, d.event_id, d.event_type, d.status, d.attempts, d.next_attempt_at, d.last_attempt_at, d.last_status_code,
    d.last_error, d.redelivery_of, d.created_at, d.completed_at,
    (select jsonb_agg(jsonb_build_object('attempt', a.attempt, 'startedAt', a.started_at, 'durationMs', a.duration_ms, 'statusCode', a.status_code,
        'responseSnippet', a.response_snippet, 'error', a.error, 'succeeded', a.succeeded) order by a.attempt)
       from notifications.webhook_attempts a where a.tenant_id = d.tenant_id and a.delivery_id = d.id) as attempt_log
  from notifications.webhook_deliveries d`;

export interface AttemptOutcome {
  attempt: number;
  startedAt: Date;
  durationMs: number;
  statusCode: number | null;
  responseSnippet: string | null;
  error: string | null;
  succeeded: boolean;
  /** When to try again; null when this was the last attempt or it succeeded. */
  nextAttemptAt: Date | null;
}

/** Deliveries of events to endpoints, each with its log of attempts. */
@Injectable()
export class WebhookDeliveriesRepository {
  /** One delivery per subscribed endpoint; an event seen again adds nothing. Returns the deliveries still waiting for their first attempt. */
  async createForEvent(manager: EntityManager, tenantId: string, endpointIds: string[], event: { id: string; type: string }, body: string): Promise<string[]> {
    if (endpointIds.length === 0) return [];
    await manager.query(
      `insert into notifications.webhook_deliveries (tenant_id, id, endpoint_id, event_id, event_type, body, status, next_attempt_at)
       select $1, e.id, e.endpoint_id, $3, $4, $5, 'pending', app.now() from jsonb_to_recordset($2::jsonb) as e(id uuid, endpoint_id uuid)
       on conflict (tenant_id, endpoint_id, event_id) where redelivery_of is null do nothing`,
      [tenantId, JSON.stringify(endpointIds.map((endpointId) => ({ id: newId(), endpoint_id: endpointId }))), event.id, event.type, body],
    );
    const rows: { id: string }[] = await manager.query(
      `select id from notifications.webhook_deliveries where tenant_id = $1 and event_id = $2 and endpoint_id = any($3::uuid[]) and redelivery_of is null
          and status = 'pending' and attempts = 0`,
      [tenantId, event.id, endpointIds],
    );
    return rows.map((row) => row.id);
  }

  /** A delivery outside the event flow: a test event, or a redelivery of an earlier one. */
  async createSingle(
    manager: EntityManager,
    tenantId: string,
    delivery: { endpointId: string; eventId: string; eventType: string; body: string; redeliveryOf?: string | null },
  ): Promise<WebhookDelivery> {
    const id = newId();
    await manager.query(
      `insert into notifications.webhook_deliveries (tenant_id, id, endpoint_id, event_id, event_type, body, status, next_attempt_at, redelivery_of)
       values ($1, $2, $3, $4, $5, $6, 'pending', app.now(), $7)`,
      [tenantId, id, delivery.endpointId, delivery.eventId, delivery.eventType, delivery.body, delivery.redeliveryOf ?? null],
    );
    return (await this.find(manager, tenantId, id)) as WebhookDelivery;
  }

  async find(manager: EntityManager, tenantId: string, id: string): Promise<WebhookDelivery | null> {
    const [row]: DeliveryRow[] = await manager.query(`${SELECT_DELIVERY} where d.tenant_id = $1 and d.id = $2`, [tenantId, id]);
    return row ? toDelivery(row) : null;
  }

  async body(manager: EntityManager, tenantId: string, id: string): Promise<string | null> {
    const [row]: { body: string }[] = await manager.query(`select body from notifications.webhook_deliveries where tenant_id = $1 and id = $2`, [tenantId, id]);
    return row?.body ?? null;
  }

  async listForEndpoint(
    manager: EntityManager,
    tenantId: string,
    endpointId: string,
    limit: number,
    after: [string, string] | null,
  ): Promise<WebhookDelivery[]> {
    const rows: DeliveryRow[] = await manager.query(
      `${SELECT_DELIVERY} where d.tenant_id = $1 and d.endpoint_id = $2 and ($3::timestamptz is null or (d.created_at, d.id) < ($3, $4::uuid))
        order by d.created_at desc, d.id desc limit $5`,
      [tenantId, endpointId, after?.[0] ?? null, after?.[1] ?? null, limit],
    );
    return rows.map(toDelivery);
  }

  async forAttempt(manager: EntityManager, tenantId: string, id: string): Promise<DeliveryForAttempt | null> {
    const [row]: (Pick<DeliveryRow, 'id' | 'endpoint_id' | 'event_id' | 'status' | 'attempts'> & { body: string; url: string; enabled: boolean })[] =
      await manager.query(
        `select d.id, d.endpoint_id, d.event_id, d.body, d.status, d.attempts, e.url, e.enabled
           from notifications.webhook_deliveries d join notifications.webhook_endpoints e on e.tenant_id = d.tenant_id and e.id = d.endpoint_id
          where d.tenant_id = $1 and d.id = $2`,
        [tenantId, id],
      );
    return row ? { ...mapColumns(row, 'id, endpoint_id, event_id, body, status, attempts, url'), endpointEnabled: row.enabled } : null;
  }

  /**
   * Claims attempt `attempt` for `leaseMs`: true only for the one caller that may send it now. A
   * delivery already past that attempt, no longer pending, or leased by another worker is refused.
   * Leases run on the database's own clock (`clock_timestamp()`), never in business time: moving
   * business time must not end a lease while its attempt is still being sent.
   */
  async claimAttempt(manager: EntityManager, tenantId: string, id: string, attempt: number, leaseMs: number): Promise<boolean> {
    const [, count]: [unknown, number] = await manager.query(
      `update notifications.webhook_deliveries set attempt_lease_until = clock_timestamp() + make_interval(secs => $4::float8 / 1000)
        where tenant_id = $1 and id = $2 and status = 'pending' and attempts < $3 and (attempt_lease_until is null or attempt_lease_until < clock_timestamp())`,
      [tenantId, id, attempt, leaseMs],
    );
    return count > 0;
  }

  /**
   * Records one attempt and moves the delivery on, unless that attempt was already recorded (a
   * duplicate job): returns false then.
   */
  async recordAttempt(manager: EntityManager, tenantId: string, id: string, outcome: AttemptOutcome): Promise<boolean> {
    const status: DeliveryStatus = outcome.succeeded ? 'succeeded' : outcome.nextAttemptAt ? 'pending' : 'failed';
    const [, count]: [unknown, number] = await manager.query(
      `update notifications.webhook_deliveries set attempts = $3, status = $4, next_attempt_at = $5, last_attempt_at = $6, last_status_code = $7, last_error = $8,
         attempt_lease_until = null, completed_at = case when $4 = 'pending' then null else app.now() end
       where tenant_id = $1 and id = $2 and attempts < $3 and status = 'pending'`,
      [tenantId, id, outcome.attempt, status, outcome.nextAttemptAt, outcome.startedAt, outcome.statusCode, outcome.error],
    );
    if (count === 0) return false;
    await manager.query(
      `insert into notifications.webhook_attempts (tenant_id, id, delivery_id, attempt, started_at, duration_ms, status_code, response_snippet, error, succeeded)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) on conflict (tenant_id, delivery_id, attempt) do nothing`,
      [
        tenantId,
        newId(),
        id,
        outcome.attempt,
        outcome.startedAt,
        outcome.durationMs,
        outcome.statusCode,
        outcome.responseSnippet,
        outcome.error,
        outcome.succeeded,
      ],
    );
    return true;
  }

  async cancel(manager: EntityManager, tenantId: string, id: string, reason: string): Promise<void> {
    await manager.query(
      `update notifications.webhook_deliveries set status = 'cancelled', last_error = $3, next_attempt_at = null, completed_at = app.now()
        where tenant_id = $1 and id = $2 and status = 'pending'`,
      [tenantId, id, reason],
    );
  }

  /** An endpoint was disabled: what it still had waiting will not be attempted. */
  async cancelPendingForEndpoint(manager: EntityManager, tenantId: string, endpointId: string, reason: string): Promise<void> {
    await manager.query(
      `update notifications.webhook_deliveries set status = 'cancelled', last_error = $3, next_attempt_at = null, completed_at = app.now()
        where tenant_id = $1 and endpoint_id = $2 and status = 'pending'`,
      [tenantId, endpointId, reason],
    );
  }

  /** Pending deliveries (system role) whose next attempt is overdue by more than `overdueMs` and not claimed. */
  async stranded(manager: EntityManager, overdueMs: number, limit: number): Promise<{ tenantId: string; id: string; attempts: number }[]> {
    const rows: { tenant_id: string; id: string; attempts: number }[] = await manager.query(
      `select tenant_id, id, attempts from notifications.webhook_deliveries
        where status = 'pending' and next_attempt_at < app.now() - make_interval(secs => $2::float8 / 1000)
          and (attempt_lease_until is null or attempt_lease_until < clock_timestamp())
        order by next_attempt_at limit $1`,
      [limit, overdueMs],
    );
    return rows.map((row) => ({ tenantId: row.tenant_id, id: row.id, attempts: row.attempts }));
  }
}
