import { isUuid } from '@assay/shared/database';
import { NotFoundProblem, encodeCursor } from '@assay/shared/http';

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
