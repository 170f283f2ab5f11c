import { machineNow } from '@assay/shared/clock';
import { idMintedAt } from '@assay/shared/database';

/**
 * Read your writes across services: this service learns of suppliers and assessments from events, so
 * evidence naming one created or changed a moment ago (a customer uploading right after creating an
 * assessment, a supplier opening the link the moment the email arrives) may arrive before its event.
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

/**
 * What `find` gives once `settled` holds for it, looking again until it does for up to
 * `catchUp.waitMs`; after that, the last thing found (null when nothing was).
 */
export async function settledSoon<T>(find: () => Promise<T | null>, settled: (found: T) => boolean, catchUp: CatchUp = CATCH_UP): Promise<T | null> {
  let found = await find();
  const until = machineNow() + catchUp.waitMs;
  while (!(found && settled(found)) && machineNow() < until) {
    await new Promise((resolve) => setTimeout(resolve, catchUp.pollMs));
    found = await find();
  }
  return found;
}

/** The record of `id`, looked up again for a while when the id was minted in the last minute and is not known yet. */
export async function knownSoon<T>(id: string, find: () => Promise<T | null>, catchUp: CatchUp = CATCH_UP): Promise<T | null> {
  const found = await find();
  const minted = idMintedAt(id);
  if (found || minted === null || machineNow() - minted > RECENT_ID_MS) return found;
  return settledSoon(find, () => true, catchUp);
}
