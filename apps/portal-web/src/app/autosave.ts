/** What one save attempt came to. */
export type SaveOutcome =
  | { kind: 'saved' }
  /** The edit cannot be saved as it stands (e.g. a justification is missing); nothing was sent. */
  | { kind: 'incomplete'; message: string }
  | { kind: 'failed'; message: string; retry: boolean };

export type SaveState =
  | { kind: 'pending' }
  | { kind: 'saving' }
  | { kind: 'saved' }
  | { kind: 'incomplete'; message: string }
  | { kind: 'failed'; message: string; retrying: boolean };

export interface AutosaveOptions {
  save: (key: string) => Promise<SaveOutcome>;
  onState: (key: string, state: SaveState) => void;
  /** Quiet time after the last change before saving. */
  delayMs?: number;
  /** Waits before each automatic retry of a save that failed for a passing reason (network, 5xx, 429). */
  retryDelaysMs?: readonly number[];
}

interface Entry {
  timer: ReturnType<typeof setTimeout> | null;
  running: Promise<void> | null;
  /** Changed again while a save was running: save once more when it ends. */
  again: boolean;
  attempts: number;
}

/**
 * Saves edits per key after a quiet period: one save in flight per key, a change during a save
 * leads to one more save with the latest state, passing failures are retried with backoff, and
 * `flush` saves everything outstanding at once (before submitting, or as the page is hidden).
 */
export class Autosave {
  private readonly entries = new Map<string, Entry>();
  private readonly delayMs: number;
  private readonly retryDelaysMs: readonly number[];

  constructor(private readonly options: AutosaveOptions) {
    this.delayMs = options.delayMs ?? 800;
    this.retryDelaysMs = options.retryDelaysMs ?? [2_000, 5_000, 10_000, 30_000];
  }

  /** Something changed under `key`: save it after the quiet period (or `delayMs`). */
  schedule(key: string, delayMs = this.delayMs): void {
    const entry = this.entry(key);
    entry.attempts = 0;
    this.arm(key, entry, delayMs);
    if (!entry.running) this.options.onState(key, { kind: 'pending' });
  }

  /** Saves `key` now (a retry the user asked for). */
  retry(key: string): Promise<void> {
    const entry = this.entry(key);
    entry.attempts = 0;
    return this.run(key, entry);
  }

  /** Saves every scheduled key now and waits for every save in flight. */
  async flush(): Promise<void> {
    await Promise.all([...this.entries].map(([key, entry]) => (entry.timer ? this.run(key, entry) : entry.running)));
    // A save that ended with a change pending started another; wait for those too.
    if ([...this.entries.values()].some((entry) => entry.running)) await this.flush();
  }

  /** Whether anything is waiting to be saved or being saved. */
  get busy(): boolean {
    return [...this.entries.values()].some((entry) => entry.timer !== null || entry.running !== null);
  }

  /** Stops every timer (the page is going away). */
  dispose(): void {
    for (const entry of this.entries.values()) if (entry.timer) clearTimeout(entry.timer);
    this.entries.clear();
  }

  private entry(key: string): Entry {
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { timer: null, running: null, again: false, attempts: 0 };
      this.entries.set(key, entry);
    }
    return entry;
  }

  private arm(key: string, entry: Entry, delayMs: number): void {
    if (entry.timer) clearTimeout(entry.timer);
    entry.timer = setTimeout(() => void this.run(key, entry), delayMs);
  }

  private run(key: string, entry: Entry): Promise<void> {
    if (entry.timer) {
      clearTimeout(entry.timer);
      entry.timer = null;
    }
    if (entry.running) {
      entry.again = true;
      return entry.running;
    }
    this.options.onState(key, { kind: 'saving' });
    entry.running = this.options
      .save(key)
      .catch((error: unknown): SaveOutcome => ({ kind: 'failed', message: error instanceof Error ? error.message : String(error), retry: true }))
      .then((outcome) => {
        entry.running = null;
        if (entry.again) {
          entry.again = false;
          return this.run(key, entry);
        }
        this.settle(key, entry, outcome);
      });
    return entry.running;
  }

  private settle(key: string, entry: Entry, outcome: SaveOutcome): void {
    if (outcome.kind !== 'failed') {
      entry.attempts = 0;
      this.options.onState(key, outcome.kind === 'saved' ? { kind: 'saved' } : outcome);
      return;
    }
    const wait = outcome.retry ? this.retryDelaysMs[Math.min(entry.attempts, this.retryDelaysMs.length - 1)] : undefined;
    entry.attempts += 1;
    this.options.onState(key, { kind: 'failed', message: outcome.message, retrying: wait !== undefined });
    if (wait !== undefined) this.arm(key, entry, wait);
  }
}
