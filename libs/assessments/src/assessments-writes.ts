import { EventData, EventType, JsonObject } from '@assay/shared/contracts';
import { AuditEntry, recordAuditEvent, writeOutboxEvent } from '@assay/shared/database';
import type { EntityManager } from 'typeorm';

export const ASSESSMENTS_SCHEMA = 'assessments';

/** Records an audit entry for an assessments change, in the change's transaction. */
export function audit(manager: EntityManager, tenantId: string, entry: AuditEntry) {
  return recordAuditEvent(manager, tenantId, ASSESSMENTS_SCHEMA, entry);
}

/** Emits an event through the assessments outbox, in the change's transaction. */
export function emit<TType extends EventType>(manager: EntityManager, tenantId: string, type: TType, data: EventData<TType>) {
  return writeOutboxEvent(manager, ASSESSMENTS_SCHEMA, tenantId, type, data);
}

/** `{ field: { from, to } }` for the fields whose values differ (compared as JSON). */
export function changedFields(before: Record<string, unknown>, after: Record<string, unknown>): JsonObject {
  const changes: JsonObject = {};
  for (const key of Object.keys(after)) {
    const from = before[key] ?? null;
    const to = after[key] ?? null;
    if (JSON.stringify(from) !== JSON.stringify(to)) changes[key] = { from: from as JsonObject[string], to: to as JsonObject[string] };
  }
  return changes;
}
