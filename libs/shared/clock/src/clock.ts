/**
 * Business time: the one source of "now" for everything a user sees or a rule decides on (due
 * dates, reminders, overdue, expiry, risk acceptance, token and link validity, event and audit
 * timestamps). In production it is the machine's time. A test stack can move it forward in every
 * process at once (see `ClockControl`), so behaviour over months is tested in seconds.
 *
 * Durations a process measures for itself (timeouts, retry backoff, job locks, leases) are not
 * business time: they use the machine's time and never move.
 */
export class Clock {
  private offsetMs = 0;

  /** The current business time. */
  now(): Date {
    return new Date(this.nowMs());
  }

  nowMs(): number {
    return Date.now() + this.offsetMs;
  }

  /** How far business time is ahead of the machine's time (0 in production). */
  get offset(): number {
    return this.offsetMs;
  }

  /** Moves business time to `offsetMs` ahead of the machine's time. Only `ClockControl` calls this. */
  setOffset(offsetMs: number): void {
    if (!Number.isSafeInteger(offsetMs) || offsetMs < 0) throw new RangeError(`clock offset must be a non-negative integer of milliseconds (got ${offsetMs})`);
    // Time never runs backwards: an event stamped later must not read as earlier.
    this.offsetMs = Math.max(this.offsetMs, offsetMs);
  }
}

/** The process's clock. Nest code injects `Clock` (the same object); plain functions take `now` as a parameter. */
export const clock = new Clock();

/**
 * The machine's time in milliseconds, for durations a process measures for itself (timeouts, retry
 * backoff, leases, job locks, rate-limit windows, caches): these never move with business time.
 */
export function machineNow(): number {
  return Date.now();
}
