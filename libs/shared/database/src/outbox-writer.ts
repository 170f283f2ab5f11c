import type { DomainEvent, EventType, JsonObject } from '@assay/shared/contracts';
import type { EntityManager } from 'typeorm';
import { newId, quoteIdent } from './identifiers';

/**
 * Records a domain event in the service's outbox inside the caller's transaction: the event exists
 * exactly when the change that caused it commits.
 */
export async function writeOutboxEvent<TData extends JsonObject>(
  manager: EntityManager,
  schema: string,
  tenantId: string,
  type: EventType,
  data: TData,
): Promise<DomainEvent<TData>> {
  const event: DomainEvent<TData> = { id: newId(), type, timestamp: new Date().toISOString(), tenantId, data };
  await manager.query(`insert into ${quoteIdent(schema)}.outbox (tenant_id, id, type, payload, created_at) values ($1, $2, $3, $4, $5)`, [
    tenantId,
    event.id,
    type,
    JSON.stringify(event),
    event.timestamp,
  ]);
  return event;
}

/** Records several events of one tenant in one statement (a batch of reminders, say). */
export async function writeOutboxEvents<TData extends JsonObject>(
  manager: EntityManager,
  schema: string,
  tenantId: string,
  events: { type: EventType; data: TData }[],
): Promise<DomainEvent<TData>[]> {
  if (events.length === 0) return [];
  const timestamp = new Date().toISOString();
  const written = events.map(({ type, data }): DomainEvent<TData> => ({ id: newId(), type, timestamp, tenantId, data }));
  await manager.query(
    `insert into ${quoteIdent(schema)}.outbox (tenant_id, id, type, payload, created_at)
     select $1, e.id, e.type, e.payload, $2 from jsonb_to_recordset($3::jsonb) as e(id uuid, type text, payload jsonb)`,
    [tenantId, timestamp, JSON.stringify(written.map((event) => ({ id: event.id, type: event.type, payload: event })))],
  );
  return written;
}
