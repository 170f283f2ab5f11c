import { RequestContext } from '@assay/shared/tenancy-context';
import { EventData, EventType } from '@assay/shared/contracts';
import { AuditEntry, OutboxEntry, recordAuditEvent, writeOutboxEvent, writeOutboxEvents } from '@assay/shared/database';
import type { EntityManager } from 'typeorm';

export const EVIDENCE_SCHEMA = 'evidence';

/** Records an audit entry for an evidence change, in the change's transaction. */
export function audit(manager: EntityManager, tenantId: string, entry: AuditEntry) {
  return recordAuditEvent(manager, tenantId, EVIDENCE_SCHEMA, entry);
}

/** Emits an event through the evidence outbox, in the change's transaction. */
export function emit<TType extends EventType>(manager: EntityManager, tenantId: string, type: TType, data: EventData<TType>) {
  return writeOutboxEvent(manager, EVIDENCE_SCHEMA, tenantId, type, data);
}

/** Emits several events of one tenant through the evidence outbox in one statement, in the change's transaction. */
export function emitAll<TType extends EventType>(manager: EntityManager, tenantId: string, entries: OutboxEntry<TType>[]) {
  return writeOutboxEvents(manager, EVIDENCE_SCHEMA, tenantId, entries);
}

/** Who made the request, as audit and submission records name it (`kind:principalId`); null outside a request. */
export function requestPrincipal(): string | null {
  try {
    const identity = RequestContext.identity;
    return `${identity.kind}:${identity.principalId ?? ''}`;
  } catch {
    return null;
  }
}
