import { clock } from '@assay/shared/clock';
import { assertEventData, type DomainEvent, type EventData, type EventType } from '@assay/shared/contracts';
import type { EntityManager } from 'typeorm';
import { newId, quoteIdent } from './identifiers';
import { runWithCommit } from './tenant-database';

/** One event to record: its type and the payload its contract describes. */
export type OutboxEntry<TType extends EventType = EventType> = { [K in TType]: { type: K; data: EventData<K> } }[TType];

/**
 * Records a domain event in the service's outbox inside the caller's transaction: the event exists
 * exactly when the change that caused it commits. The payload is checked against its event type's
 * schema first: an event that breaks the contract is a defect, and it fails the change that made it
 * rather than reach a consumer. In a tenant unit of work the insert goes in the message of the
 * commit (`runWithCommit`), costing no round trip of its own; nothing in the unit reads it back.
 */
export async function writeOutboxEvent<TType extends EventType>(
  manager: EntityManager,
  schema: string,
  tenantId: string,
  type: TType,
  data: EventData<TType>,
): Promise<DomainEvent<TType>> {
  const [event] = await writeOutboxEvents(manager, schema, tenantId, [{ type, data } as OutboxEntry<TType>]);
  return event as DomainEvent<TType>;
}

/** Records several events of one tenant in one statement (a batch of reminders, say). */
export async function writeOutboxEvents<TType extends EventType>(
  manager: EntityManager,
  schema: string,
  tenantId: string,
  entries: OutboxEntry<TType>[],
): Promise<DomainEvent<TType>[]> {
  if (entries.length === 0) return [];
  const timestamp = clock.now().toISOString();
  const written = entries.map(({ type, data }) => {
    assertEventData(type, data);
    return { id: newId(), type, timestamp, tenantId, data } as DomainEvent<TType>;
  });
  const insert = {
    text: `insert into ${quoteIdent(schema)}.outbox (tenant_id, id, type, payload, created_at)
     select $1, e.id, e.type, e.payload, $2 from jsonb_to_recordset($3::jsonb) as e(id uuid, type text, payload jsonb)`,
    values: [tenantId, timestamp, JSON.stringify(written.map((event) => ({ id: event.id, type: event.type, payload: event })))],
  };
  if (!runWithCommit(manager, insert)) await manager.query(insert.text, insert.values);
  return written;
}
