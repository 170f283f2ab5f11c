import { isUuid } from '@assay/shared/database';
import { MAX_PAGE_SIZE, NotFoundProblem, ProblemException, encodeCursor } from '@assay/shared/http';

const DEFAULT_FIRST = 50;

/** `first` of a Relay connection: 1..200, 50 when absent. */
export function first(value: number | null | undefined): number {
  const n = value ?? DEFAULT_FIRST;
  if (!Number.isInteger(n) || n < 1 || n > MAX_PAGE_SIZE) throw new ProblemException(400, `first must be between 1 and ${MAX_PAGE_SIZE}`);
  return n;
}

/** GraphQL ids are strings: anything that is not one of our ids is simply not found. */
export function ownId(value: string, what: string): string {
  if (!isUuid(value)) throw new NotFoundProblem(what);
  return value;
}

/** Not found (another tenant's id, a malformed id) reads as null. */
export async function orNull<T>(load: () => Promise<T>): Promise<T | null> {
  try {
    return await load();
  } catch (error) {
    if (error instanceof NotFoundProblem) return null;
    throw error;
  }
}

/** The keyset cursor of an item listed newest first by id. */
export const byId = (item: { id: string }): string => encodeCursor([item.id]);
