import { clock } from '@assay/shared/clock';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface WebhookEndpoint {
  id: string;
  url: string;
  description: string | null;
  events: string[];
  enabled: boolean;
  disabledReason: string | null;
  disabledAt: string | null;
  failingSince: string | null;
  previousSecretExpiresAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface EndpointSecrets {
  current: string;
  previous: string | null;
  previousExpiresAt: Date | null;
}

interface EndpointRow {
  id: string;
  url: string;
  description: string | null;
  events: string[];
  enabled: boolean;
  disabled_reason: string | null;
  disabled_at: Date | null;
  failing_since: Date | null;
  previous_secret_expires_at: Date | null;
  created_at: Date;
  updated_at: Date;
  secret_ciphertext: string;
  previous_secret_ciphertext: string | null;
}

const iso = (value: Date | null) => (value ? value.toISOString() : null);

export function toEndpoint(row: EndpointRow): WebhookEndpoint {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    events: row.events,
    enabled: row.enabled,
    disabledReason: row.disabled_reason,
    disabledAt: iso(row.disabled_at),
    failingSince: iso(row.failing_since),
    previousSecretExpiresAt:
      row.previous_secret_expires_at && row.previous_secret_expires_at > clock.now() ? row.previous_secret_expires_at.toISOString() : null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export interface EndpointChanges {
  url?: string;
  description?: string | null;
  events?: string[];
  enabled?: boolean;
}

/** Webhook endpoints of a tenant; secrets leave this class only as ciphertext. */
@Injectable()
export class WebhookEndpointsRepository {
  async insert(
    manager: EntityManager,
    tenantId: string,
    endpoint: { id: string; url: string; description: string | null; events: string[]; secretCiphertext: string },
  ): Promise<WebhookEndpoint> {
    const [row]: EndpointRow[] = await manager.query(
      `insert into notifications.webhook_endpoints (tenant_id, id, url, description, events, secret_ciphertext) values ($1, $2, $3, $4, $5, $6) returning *`,
      [tenantId, endpoint.id, endpoint.url, endpoint.description, endpoint.events, endpoint.secretCiphertext],
    );
    return toEndpoint(row as EndpointRow);
  }

  async list(manager: EntityManager, tenantId: string, limit: number, after: [string, string] | null): Promise<WebhookEndpoint[]> {
    const rows: EndpointRow[] = await manager.query(
      `select * from notifications.webhook_endpoints where tenant_id = $1 and ($2::timestamptz is null or (created_at, id) < ($2, $3::uuid))
        order by created_at desc, id desc limit $4`,
      [tenantId, after?.[0] ?? null, after?.[1] ?? null, limit],
    );
    return rows.map(toEndpoint);
  }

  async find(manager: EntityManager, tenantId: string, id: string, lock = false): Promise<WebhookEndpoint | null> {
    const [row]: EndpointRow[] = await manager.query(
      `select * from notifications.webhook_endpoints where tenant_id = $1 and id = $2${lock ? ' for update' : ''}`,
      [tenantId, id],
    );
    return row ? toEndpoint(row) : null;
  }

  async secrets(manager: EntityManager, tenantId: string, id: string): Promise<EndpointSecrets | null> {
    const [row]: Pick<EndpointRow, 'secret_ciphertext' | 'previous_secret_ciphertext' | 'previous_secret_expires_at'>[] = await manager.query(
      `select secret_ciphertext, previous_secret_ciphertext, previous_secret_expires_at from notifications.webhook_endpoints where tenant_id = $1 and id = $2`,
      [tenantId, id],
    );
    return row ? { current: row.secret_ciphertext, previous: row.previous_secret_ciphertext, previousExpiresAt: row.previous_secret_expires_at } : null;
  }

  async update(manager: EntityManager, tenantId: string, id: string, changes: EndpointChanges): Promise<WebhookEndpoint | null> {
    const [rows]: [EndpointRow[]] = await manager.query(
      `update notifications.webhook_endpoints set
         url = coalesce($3, url),
         description = case when $4::boolean then $5 else description end,
         events = coalesce($6, events),
         enabled = coalesce($7, enabled),
         disabled_reason = case when $7 is true then null else disabled_reason end,
         disabled_at = case when $7 is true then null when $7 is false and enabled then app.now() else disabled_at end,
         failing_since = case when $7 is true then null else failing_since end,
         updated_at = app.now()
       where tenant_id = $1 and id = $2 returning *`,
      [tenantId, id, changes.url ?? null, changes.description !== undefined, changes.description ?? null, changes.events ?? null, changes.enabled ?? null],
    );
    const row = rows[0];
    return row ? toEndpoint(row) : null;
  }

  async delete(manager: EntityManager, tenantId: string, id: string): Promise<boolean> {
    const [, count]: [unknown, number] = await manager.query(`delete from notifications.webhook_endpoints where tenant_id = $1 and id = $2`, [tenantId, id]);
    return count > 0;
  }

  async rotate(
    manager: EntityManager,
    tenantId: string,
    id: string,
    secretCiphertext: string,
    previousCiphertext: string,
    previousExpiresAt: Date,
  ): Promise<WebhookEndpoint | null> {
    const [rows]: [EndpointRow[]] = await manager.query(
      `update notifications.webhook_endpoints set secret_ciphertext = $3, previous_secret_ciphertext = $4, previous_secret_expires_at = $5, updated_at = app.now()
        where tenant_id = $1 and id = $2 returning *`,
      [tenantId, id, secretCiphertext, previousCiphertext, previousExpiresAt],
    );
    const row = rows[0];
    return row ? toEndpoint(row) : null;
  }

  /** Enabled endpoints subscribed to an event type (or to everything). */
  async subscribedTo(manager: EntityManager, tenantId: string, type: string): Promise<string[]> {
    const rows: { id: string }[] = await manager.query(
      `select id from notifications.webhook_endpoints where tenant_id = $1 and enabled and ($2 = any(events) or '*' = any(events))`,
      [tenantId, type],
    );
    return rows.map((row) => row.id);
  }

  /** After a failed attempt: starts the failure clock; returns when the endpoint has been failing since. */
  async markFailing(manager: EntityManager, tenantId: string, id: string): Promise<Date | null> {
    const [rows]: [{ failing_since: Date }[]] = await manager.query(
      `update notifications.webhook_endpoints set failing_since = coalesce(failing_since, app.now()) where tenant_id = $1 and id = $2 returning failing_since`,
      [tenantId, id],
    );
    return rows[0]?.failing_since ?? null;
  }

  async markHealthy(manager: EntityManager, tenantId: string, id: string): Promise<void> {
    await manager.query(`update notifications.webhook_endpoints set failing_since = null where tenant_id = $1 and id = $2 and failing_since is not null`, [
      tenantId,
      id,
    ]);
  }

  /** Disables an endpoint that is still enabled; returns whether this call did it. */
  async disable(manager: EntityManager, tenantId: string, id: string, reason: string): Promise<boolean> {
    const [, count]: [unknown, number] = await manager.query(
      `update notifications.webhook_endpoints set enabled = false, disabled_reason = $3, disabled_at = app.now(), updated_at = app.now() where tenant_id = $1 and id = $2 and enabled`,
      [tenantId, id, reason],
    );
    return count > 0;
  }
}
