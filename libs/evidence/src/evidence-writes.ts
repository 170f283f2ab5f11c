import { EventType, JsonObject } from '@assay/shared/contracts';
import { AuditEntry, recordAuditEvent, writeOutboxEvent } from '@assay/shared/database';
import type { EntityManager } from 'typeorm';

export const EVIDENCE_SCHEMA = 'evidence';

/** Records an audit entry for an evidence change, in the change's transaction. */
export function audit(manager: EntityManager, tenantId: string, entry: AuditEntry) {
  return recordAuditEvent(manager, tenantId, EVIDENCE_SCHEMA, entry);
}

/** Emits an event through the evidence outbox, in the change's transaction. */
export function emit(manager: EntityManager, tenantId: string, type: EventType, data: object) {
  return writeOutboxEvent(manager, EVIDENCE_SCHEMA, tenantId, type, data as JsonObject);
}
