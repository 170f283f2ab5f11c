import { EventType, JsonObject } from '@assay/shared/contracts';
import { AuditEntry, recordAuditEvent, writeOutboxEvent } from '@assay/shared/database';
import type { EntityManager } from 'typeorm';

export const TENANCY_SCHEMA = 'tenancy';

/** Records an audit entry for a tenancy change, in the change's transaction. */
export function audit(manager: EntityManager, tenantId: string, entry: AuditEntry) {
  return recordAuditEvent(manager, tenantId, TENANCY_SCHEMA, entry);
}

/** Emits an event through the tenancy outbox, in the change's transaction. */
export function emit(manager: EntityManager, tenantId: string, type: EventType, data: object) {
  return writeOutboxEvent(manager, TENANCY_SCHEMA, tenantId, type, data as JsonObject);
}

/** Who is signing in, for the session record and throttling. */
export interface ClientInfo {
  ip: string;
  userAgent: string | null;
}
