import { HttpException } from '@nestjs/common';
import { Args, Int } from '@nestjs/graphql';

export const DEFAULT_FIRST = 50;
export const MAX_FIRST = 200;
/** Cursors are opaque, short strings; anything longer is not one of ours. */
const MAX_CURSOR_LENGTH = 512;

/**
 * The Relay paging arguments of every connection field, as parameter decorators: `first` (1–200,
 * default 50) and `after`. They are scalar arguments, so the global validation pipe (which refuses
 * fields a DTO does not declare) never sees them beside a connection's own filter arguments; their
 * one validation is `pageArgs`.
 */
export const FirstArg = (): ParameterDecorator =>
  Args('first', { type: () => Int, nullable: true, description: `How many to return: 1 to ${MAX_FIRST} (default ${DEFAULT_FIRST})` });

export const AfterArg = (): ParameterDecorator =>
  Args('after', { type: () => String, nullable: true, description: 'Resume after this cursor (`pageInfo.endCursor` or an edge’s cursor)' });

/**
 * A client error in a GraphQL argument: `BAD_REQUEST` naming the argument, exactly as a 400 problem
 * names a REST field. It is a problem exception, so the services' error filter passes it through and
 * the subgraphs' error formatter gives it its code, status and field errors.
 */
export function badArgument(argument: string, message: string): HttpException {
  const detail = `${argument} ${message}`;
  return new HttpException(
    { type: 'urn:assay:problem:invalid-request', title: 'Invalid request', status: 400, detail, errors: [{ field: argument, message }] },
    400,
  );
}

/**
 * The one reading of Relay paging arguments: the page size and cursor the services' keyset pages
 * take. Out of range is refused (never clamped), so a client learns its request was not what it got.
 */
export function pageArgs(first: number | null | undefined, after: string | null | undefined): { limit: number; cursor: string | undefined } {
  const limit = first ?? DEFAULT_FIRST;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_FIRST) throw badArgument('first', `must be between 1 and ${MAX_FIRST}`);
  const cursor = after ?? undefined;
  if (cursor !== undefined && (cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH)) throw badArgument('after', 'is not a cursor of this connection');
  return { limit, cursor };
}
