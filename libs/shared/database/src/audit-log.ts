import { clock } from '@assay/shared/clock';
import { canonicalJson, Identity, JsonObject } from '@assay/shared/contracts';
import { RequestContext } from '@assay/shared/tenancy-context';
import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { newId } from './identifiers';
import { queryAfter } from './tenant-database';

export const AUDIT_GENESIS_HASH = '0'.repeat(64);

export interface AuditEntry {
  /** What happened, as `<resource>.<verb>`: `member.role_changed`, `api_key.revoked`. */
  action: string;
  targetType: string;
  targetId: string | null;
  /** What changed: `{ field: { from, to } }` or the created values. Never secrets. */
  changes?: JsonObject;
  /** Defaults to the identity of the current request or job. */
  actor?: Pick<Identity, 'kind' | 'principalId'>;
}

export interface AuditEvent {
  id: string;
  seq: number;
  occurredAt: string;
  service: string;
  actorKind: string;
  actorId: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  requestId: string | null;
  changes: JsonObject;
  prevHash: string;
  hash: string;
}

/** The hash of one entry: SHA-256 over the canonical JSON of every field but the hash itself. */
export function auditHash(tenantId: string, event: Omit<AuditEvent, 'hash' | 'id'> & { id: string }): string {
  const material = canonicalJson({
    tenantId,
    id: event.id,
    seq: event.seq,
    occurredAt: event.occurredAt,
    service: event.service,
    actorKind: event.actorKind,
    actorId: event.actorId,
    action: event.action,
    targetType: event.targetType,
    targetId: event.targetId,
    requestId: event.requestId,
    changes: event.changes,
    prevHash: event.prevHash,
  });
  return createHash('sha256').update(material).digest('hex');
}

function currentActor(): Pick<Identity, 'kind' | 'principalId'> {
  if (RequestContext.isActive()) {
    try {
      const identity = RequestContext.identity;
      return { kind: identity.kind, principalId: identity.principalId };
    } catch {
      // a job or system task: no caller identity
    }
  }
  return { kind: 'system', principalId: null };
}

/**
 * Appends an entry to the tenant's audit chain inside the caller's transaction, so the record exists
 * exactly when the change does. Entries of one tenant are serialised by a transaction-scoped advisory
 * lock, which makes `seq` gap-free and every `prev_hash` the previous entry's hash. The lock and the
 * read of the previous entry go in one message (`queryAfter`): the read is a statement of its own,
 * whose snapshot is taken once the lock is granted, so it sees the entry of the lock's last holder.
 */
export async function recordAuditEvent(manager: EntityManager, tenantId: string, service: string, entry: AuditEntry): Promise<AuditEvent> {
  const rows = await queryAfter<{ seq: string; hash: string }>(
    manager,
    [{ text: `select pg_advisory_xact_lock(hashtextextended($1, 0))`, values: [`audit:${tenantId}`] }],
    `select seq, hash from audit.events where tenant_id = $1 order by seq desc limit 1`,
    [tenantId],
  );
  const previous = rows[0];
  const actor = entry.actor ?? currentActor();
  const event: Omit<AuditEvent, 'hash'> = {
    id: newId(),
    seq: previous ? Number(previous.seq) + 1 : 1,
    occurredAt: clock.now().toISOString(),
    service,
    actorKind: actor.kind,
    actorId: actor.principalId,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId,
    requestId: RequestContext.peekRequestId() ?? null,
    changes: entry.changes ?? {},
    prevHash: previous?.hash ?? AUDIT_GENESIS_HASH,
  };
  const hash = auditHash(tenantId, event);
  await manager.query(
    `insert into audit.events (tenant_id, id, seq, occurred_at, service, actor_kind, actor_id, action, target_type, target_id, request_id, changes, prev_hash, hash)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
    [
      tenantId,
      event.id,
      event.seq,
      event.occurredAt,
      event.service,
      event.actorKind,
      event.actorId,
      event.action,
      event.targetType,
      event.targetId,
      event.requestId,
      JSON.stringify(event.changes),
      event.prevHash,
      hash,
    ],
  );
  return { ...event, hash };
}

interface AuditRow {
  id: string;
  seq: string;
  occurred_at: Date;
  service: string;
  actor_kind: string;
  actor_id: string | null;
  action: string;
  target_type: string;
  target_id: string | null;
  request_id: string | null;
  changes: JsonObject;
  prev_hash: string;
  hash: string;
}

export function toAuditEvent(row: AuditRow): AuditEvent {
  return {
    id: row.id,
    seq: Number(row.seq),
    occurredAt: row.occurred_at.toISOString(),
    service: row.service,
    actorKind: row.actor_kind,
    actorId: row.actor_id,
    action: row.action,
    targetType: row.target_type,
    targetId: row.target_id,
    requestId: row.request_id,
    changes: row.changes,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

export const AUDIT_COLUMNS = `id, seq, occurred_at, service, actor_kind, actor_id, action, target_type, target_id, request_id, changes, prev_hash, hash`;

/** A page of the tenant's audit events, newest first, after the given sequence number. */
export async function listAuditEvents(manager: EntityManager, tenantId: string, limit: number, beforeSeq?: number): Promise<AuditEvent[]> {
  const rows: AuditRow[] = await manager.query(
    `select ${AUDIT_COLUMNS} from audit.events where tenant_id = $1 and ($2::bigint is null or seq < $2) order by seq desc limit $3`,
    [tenantId, beforeSeq ?? null, limit],
  );
  return rows.map(toAuditEvent);
}

export interface AuditVerification {
  valid: boolean;
  checked: number;
  /** The first entry whose content, hash or link to its predecessor does not hold. */
  brokenAt?: { seq: number; id: string; reason: string };
}

/** Recomputes the tenant's whole chain in sequence order, in batches, and reports the first break. */
export async function verifyAuditChain(manager: EntityManager, tenantId: string, batchSize = 2000): Promise<AuditVerification> {
  let expectedPrev = AUDIT_GENESIS_HASH;
  let expectedSeq = 1;
  let checked = 0;
  for (;;) {
    const rows: AuditRow[] = await manager.query(`select ${AUDIT_COLUMNS} from audit.events where tenant_id = $1 and seq >= $2 order by seq asc limit $3`, [
      tenantId,
      expectedSeq,
      batchSize,
    ]);
    for (const row of rows) {
      const event = toAuditEvent(row);
      const broken = (reason: string): AuditVerification => ({ valid: false, checked, brokenAt: { seq: event.seq, id: event.id, reason } });
      if (event.seq !== expectedSeq) return { valid: false, checked, brokenAt: { seq: expectedSeq, id: event.id, reason: `entry ${expectedSeq} is missing` } };
      if (event.prevHash !== expectedPrev) return broken('does not link to the previous entry');
      if (auditHash(tenantId, event) !== event.hash) return broken('content does not match its hash');
      checked += 1;
      expectedPrev = event.hash;
      expectedSeq += 1;
    }
    if (rows.length < batchSize) return { valid: true, checked };
  }
}
