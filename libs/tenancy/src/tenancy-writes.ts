import { EventData, EventType } from '@assay/shared/contracts';
import { AuditEntry, recordAuditEvent, writeOutboxEvent } from '@assay/shared/database';
import type { EntityManager } from 'typeorm';

export const TENANCY_SCHEMA = 'tenancy';

/** Records an audit entry for a tenancy change, in the change's transaction. */
export function audit(manager: EntityManager, tenantId: string, entry: AuditEntry) {
  return recordAuditEvent(manager, tenantId, TENANCY_SCHEMA, entry);
}

/** Emits an event through the tenancy outbox, in the change's transaction. */
export function emit<TType extends EventType>(manager: EntityManager, tenantId: string, type: TType, data: EventData<TType>) {
  return writeOutboxEvent(manager, TENANCY_SCHEMA, tenantId, type, data);
}

/** Who is signing in, for the session record and throttling. */
export interface ClientInfo {
  ip: string;
  userAgent: string | null;
}
