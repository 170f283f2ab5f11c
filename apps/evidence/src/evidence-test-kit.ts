import type { DomainEvent, EventType, JsonObject } from '@assay/shared/contracts';
import { TenantDatabase, newId } from '@assay/shared/database';

/** Writes an event to a service's outbox, as that service would; its relay puts it on the bus. */
export async function emit(database: TenantDatabase, schema: string, tenantId: string, type: EventType, data: object): Promise<DomainEvent> {
  const event: DomainEvent = { id: newId(), type, timestamp: new Date().toISOString(), tenantId, data: data as JsonObject };
  await database.run(
    (manager) => manager.query(`insert into ${schema}.outbox (tenant_id, id, type, payload, created_at) values ($1, $2, $3, $4, now())`, [tenantId, event.id, type, JSON.stringify(event)]),
    tenantId,
  );
  return event;
}

export async function waitFor<T>(probe: () => Promise<T | undefined | null | false>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
