import { machineNow } from '@assay/shared/clock';
import { randomFillSync } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';

/** Random bytes for ids, drawn from the CSPRNG a pool at a time (as `crypto.randomUUID` does): one call per 256 ids, not one per id. */
const RANDOM_POOL = new Uint8Array(16 * 256);
let poolOffset = RANDOM_POOL.length;
/** The millisecond and counter of the last id minted, so ids minted in one process sort in minting order. */
let lastMsecs = -Infinity;
let sequence = 0;

function random16(): Uint8Array {
  if (poolOffset === RANDOM_POOL.length) {
    randomFillSync(RANDOM_POOL);
    poolOffset = 0;
  }
  poolOffset += 16;
  return RANDOM_POOL.subarray(poolOffset - 16, poolOffset);
}

/**
 * New ids are UUIDv7 (RFC 9562): time-ordered, so B-tree inserts stay append-mostly. Within one
 * millisecond a 32-bit counter (method 1 of the RFC, started each millisecond from a random 31-bit
 * value) keeps them in minting order; a counter that wraps moves on to the next millisecond. Minting
 * one costs well under a microsecond: drawing 16 random bytes per id from the CSPRNG cost about 13 µs.
 */
export function newId(): string {
  const random = random16();
  // Machine time, never business time: an id says when it was minted (see idMintedAt), however far a test moves the clock.
  const now = machineNow();
  if (now > lastMsecs) {
    sequence = (((random[6] as number) & 0x7f) << 24) | ((random[7] as number) << 16) | ((random[8] as number) << 8) | (random[9] as number);
    lastMsecs = now;
  } else {
    sequence = (sequence + 1) | 0;
    if (sequence === 0) lastMsecs++;
  }
  return uuidv7({ random, msecs: lastMsecs, seq: sequence });
}

/** When a UUIDv7 was minted (its first 48 bits, ms since the epoch, machine time); null for other ids. */
export function idMintedAt(id: string): number | null {
  if (!isUuid(id) || id[14] !== '7') return null;
  return parseInt(id.replace(/-/g, '').slice(0, 12), 16);
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID_PATTERN.test(value);
}

/** Quotes a trusted SQL identifier (schema, table, role names from code or validated config). */
export function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`Refusing unsafe SQL identifier "${name}"`);
  return `"${name}"`;
}

/**
 * Runs an `update … returning` / `delete … returning` and gives its rows. (TypeORM's raw query answers
 * such statements on Postgres with `[rows, affectedCount]` rather than the rows.)
 */
export async function updateReturning<T>(
  manager: { query: (sql: string, params?: unknown[]) => Promise<unknown> },
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const result = await manager.query(sql, params);
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
}

/**
 * A worker's claim on one queued document (`pending`, or `processing` again after a crash): moves it to
 * `processing`, counts the attempt and returns the row's `columns`; null once it is final. `table` is
 * `[schema, table]` of a row keyed by (tenant_id, id) with `status` and `attempts` columns.
 */
export async function claimForProcessing<T>(
  manager: { query: (sql: string, params?: unknown[]) => Promise<unknown> },
  [schema, table]: [string, string],
  columns: string,
  tenantId: string,
  id: string,
): Promise<T | null> {
  const rows = await updateReturning<T>(
    manager,
    `update ${quoteIdent(schema)}.${quoteIdent(table)} set status = 'processing', attempts = attempts + 1
      where tenant_id = $1 and id = $2 and status in ('pending', 'processing') returning ${columns}`,
    [tenantId, id],
  );
  return rows[0] ?? null;
}
