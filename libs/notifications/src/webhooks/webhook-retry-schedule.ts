/** Each retry waits this many times longer than the one before. */
export const WEBHOOK_BACKOFF_FACTOR = 2.5;

/**
 * How long to wait after failed attempt `attempt` (1-based) before the next one: the base delay
 * times 2.5^(attempt-1), plus up to 10% jitter so failed deliveries to one receiver spread out.
 * With the defaults (90 s base, 9 attempts) the retries come after 1.5 m, 3.8 m, 9.4 m, 23 m,
 * 59 m, 2.4 h, 6.1 h and 15.3 h: the last attempt is about 25 hours after the first.
 */
export function webhookRetryDelayMs(attempt: number, baseMs: number, random: () => number = Math.random): number {
  const delay = baseMs * WEBHOOK_BACKOFF_FACTOR ** Math.max(0, attempt - 1);
  return Math.round(delay * (1 + 0.1 * random()));
}

/** When the last attempt happens after the first, without jitter (for documentation and tests). */
export function webhookRetrySpanMs(maxAttempts: number, baseMs: number): number {
  let total = 0;
  for (let attempt = 1; attempt < maxAttempts; attempt++) total += webhookRetryDelayMs(attempt, baseMs, () => 0);
  return total;
}
