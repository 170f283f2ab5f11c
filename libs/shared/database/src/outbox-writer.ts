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
