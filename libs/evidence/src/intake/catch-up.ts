import { machineNow } from '@assay/shared/clock';
import { idMintedAt } from '@assay/shared/database';

/**
 * Read your writes across services: this service learns of suppliers and assessments from events, so
 * evidence naming one created or changed a moment ago (a customer uploading right after creating an
 * assessment, a supplier opening the link the moment the email arrives) may arrive before its event.
 * Such a look asks to be made again (`NotCaughtUp`), and `caughtUp` makes it again a moment later:
 * each look is a unit of work of its own, and the wait between looks is outside any, so a late event
 * never holds a database connection while it is awaited.
 */
export interface CatchUp {
  /** How long to keep looking again. */
  waitMs: number;
  /** How long between looks. */
  pollMs: number;
}

export const CATCH_UP: CatchUp = { waitMs: 15_000, pollMs: 100 };
/** Only an id minted this recently may be unknown for want of its event; an older unknown id is unknown. */
const RECENT_ID_MS = 60_000;

/** A look found what it looks for not there yet, or not settled yet, while it may still wait: look again. */
export class NotCaughtUp extends Error {
  constructor(what: string) {
    super(`${what}: not caught up yet`);
    this.name = 'NotCaughtUp';
  }
}

/**
 * What `look` gives, made again `catchUp.pollMs` later each time it asks to (throws `NotCaughtUp`)
 * for up to `catchUp.waitMs`. The last look is told it may not wait (`mayWait` false): it decides
 * with what it finds.
 */
export async function caughtUp<T>(look: (mayWait: boolean) => Promise<T>, catchUp: CatchUp = CATCH_UP): Promise<T> {
  const until = machineNow() + catchUp.waitMs;
  for (;;) {
    const mayWait = machineNow() < until;
    try {
      return await look(mayWait);
    } catch (error) {
      if (!(mayWait && error instanceof NotCaughtUp)) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, catchUp.pollMs));
  }
}

/**
 * In a look: the record found for `id`, unless there is none yet, the id was minted in the last minute
 * and the look may wait, when it asks to be made again. An older unknown id is unknown.
 */
export function knownOrLater<T>(id: string, found: T | null, mayWait: boolean): T | null {
  if (found || !mayWait) return found;
  const minted = idMintedAt(id);
  if (minted === null || machineNow() - minted > RECENT_ID_MS) return found;
  throw new NotCaughtUp(id);
}

/** In a look: the record found, unless it has not settled yet and the look may wait, when it asks to be made again. */
export function settledOrLater<T>(found: T | null, settled: (found: T) => boolean, what: string, mayWait: boolean): T | null {
  if (found && !settled(found) && mayWait) throw new NotCaughtUp(what);
  return found;
}
