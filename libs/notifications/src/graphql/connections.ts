import type { Connection } from '@assay/shared/graphql';
import { MAX_PAGE_SIZE, Page } from '@assay/shared/http';

/** Relay arguments mapped onto the REST keyset pages (the same opaque cursors). */
export function pageQuery(first: number | null | undefined, after: string | null | undefined): { limit: number; cursor?: string } {
  return { limit: Math.min(Math.max(first ?? 50, 1), MAX_PAGE_SIZE), cursor: after ?? undefined };
}

/** A page as a Relay connection; each edge's cursor resumes right after it. */
export function toConnection<T extends { id: string }>(page: Page<T>, cursorOf: (item: T) => string): Connection<T> {
  return {
    edges: page.data.map((node) => ({ node, cursor: cursorOf(node) })),
    pageInfo: { hasNextPage: page.nextCursor !== null, endCursor: page.nextCursor },
  };
}
