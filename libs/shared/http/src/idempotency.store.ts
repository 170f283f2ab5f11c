import { createHash } from 'node:crypto';
import type { RedisClient } from '@assay/shared/redis';

export const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;
/** How long an in-flight claim lasts if its holder dies before finishing. */
const IN_FLIGHT_TTL_SECONDS = 120;
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

interface Entry {
  state: 'running' | 'done';
  fingerprint: string;
  response?: StoredResponse;
}

export type IdempotencyOutcome = { kind: 'proceed' } | { kind: 'replay'; response: StoredResponse } | { kind: 'conflict' } | { kind: 'mismatch' };

export function isValidIdempotencyKey(key: string): boolean {
  return KEY_PATTERN.test(key);
}

/** The request's fingerprint: method, path and exact body bytes. */
export function requestFingerprint(method: string, path: string, body: Buffer | string | undefined): string {
  return createHash('sha256')
    .update(`${method.toUpperCase()} ${path}\n`)
    .update(body ?? '')
    .digest('hex');
}

/**
 * `Idempotency-Key` for POSTs: the first request claims the key; a replay gets the stored response,
 * a different body under the same key is refused, and a replay while the first is running is a
 * conflict. Keys are scoped to the caller (principal), so callers never see each other's responses.
 */
export class IdempotencyStore {
  constructor(private readonly redis: RedisClient) {}

  private redisKey(scope: string, key: string): string {
    return `assay:idempotency:${createHash('sha256').update(`${scope}\u0000${key}`).digest('hex')}`;
  }

  async begin(scope: string, key: string, fingerprint: string): Promise<IdempotencyOutcome> {
    const redisKey = this.redisKey(scope, key);
    const claim: Entry = { state: 'running', fingerprint };
    const claimed = await this.redis.set(redisKey, JSON.stringify(claim), 'EX', IN_FLIGHT_TTL_SECONDS, 'NX');
    if (claimed === 'OK') return { kind: 'proceed' };
    const raw = await this.redis.get(redisKey);
    if (!raw) return this.begin(scope, key, fingerprint);
    const entry = JSON.parse(raw) as Entry;
    if (entry.fingerprint !== fingerprint) return { kind: 'mismatch' };
    if (entry.state === 'running' || !entry.response) return { kind: 'conflict' };
    return { kind: 'replay', response: entry.response };
  }

  async complete(scope: string, key: string, fingerprint: string, response: StoredResponse): Promise<void> {
    const redisKey = this.redisKey(scope, key);
    // A server-side failure is not an outcome worth replaying: free the key so a retry runs again.
    if (response.status >= 500) {
      await this.redis.del(redisKey);
      return;
    }
    const entry: Entry = { state: 'done', fingerprint, response };
    await this.redis.set(redisKey, JSON.stringify(entry), 'EX', IDEMPOTENCY_TTL_SECONDS);
  }

  async release(scope: string, key: string): Promise<void> {
    await this.redis.del(this.redisKey(scope, key));
  }
}
