import { machineNow } from '@assay/shared/clock';
import { createHash } from 'node:crypto';
import { ProblemException } from '@assay/shared/http';
import { QueueRegistry } from '@assay/shared/queue';
import { Injectable } from '@nestjs/common';

/** Failures allowed before backoff starts, per account and per client address. */
const FREE_FAILURES = { account: 5, address: 20 } as const;
const MAX_BACKOFF_SECONDS = 15 * 60;
const FAILURE_MEMORY_SECONDS = 60 * 60;

type Dimension = keyof typeof FREE_FAILURES;

/**
 * Sign-in throttling in Redis (shared by every replica), per account and per client address: after
 * a few free failures each further attempt must wait an exponentially growing time (1 s, 2 s, 4 s …
 * up to 15 min). A success clears the account's count. Counts are keyed by a hash, never the email.
 */
@Injectable()
export class LoginThrottle {
  constructor(private readonly queues: QueueRegistry) {}

  /**
   * A count's key; its backoff deadline is `<key>:until`. The hash tag (`{…}`) keeps the two in one
   * Redis Cluster slot, so they can be cleared in one command.
   */
  private key(dimension: Dimension, value: string): string {
    return `assay:login-failures:{${dimension}:${createHash('sha256').update(value.toLowerCase()).digest('hex').slice(0, 32)}}`;
  }

  /** Refuses with 429 and Retry-After while either the account or the address is in backoff. */
  async check(email: string, address: string): Promise<void> {
    const redis = this.queues.redis;
    const keys = [this.key('account', email), this.key('address', address)];
    // The account and the address hash to different cluster slots: one read each, side by side.
    const [account, byAddress] = await Promise.all(keys.map((key) => redis.get(`${key}:until`)));
    const until = Math.max(Number(account ?? 0), Number(byAddress ?? 0));
    const wait = Math.ceil((until - machineNow()) / 1000);
    if (wait > 0) {
      throw new ProblemException(429, 'Too many failed sign-in attempts; wait before trying again', {}, { 'retry-after': String(wait) });
    }
  }

  async recordFailure(email: string, address: string): Promise<void> {
    const redis = this.queues.redis;
    for (const [dimension, value] of [
      ['account', email],
      ['address', address],
    ] as const) {
      const key = this.key(dimension, value);
      const failures = await redis.incr(key);
      await redis.expire(key, FAILURE_MEMORY_SECONDS);
      const over = failures - FREE_FAILURES[dimension];
      if (over > 0) {
        const backoff = Math.min(MAX_BACKOFF_SECONDS, 2 ** (over - 1));
        await redis.set(`${key}:until`, String(machineNow() + backoff * 1000), 'EX', backoff + 1);
      }
    }
  }

  async recordSuccess(email: string): Promise<void> {
    const key = this.key('account', email);
    await this.queues.redis.del(key, `${key}:until`);
  }
}
