import { ArgsType, Field, Int } from '@nestjs/graphql';
import { GraphQLError } from 'graphql';

export const DEFAULT_FIRST = 50;
export const MAX_FIRST = 200;
/** Cursors are opaque, short strings; anything longer is not one of ours. */
const MAX_CURSOR_LENGTH = 512;

/** The Relay paging arguments of every connection field: `first` (1–200, default 50) and `after`. */
@ArgsType()
export class ConnectionArgs {
  @Field(() => Int, { nullable: true, description: `How many to return: 1 to ${MAX_FIRST} (default ${DEFAULT_FIRST})` })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'Resume after this cursor (`pageInfo.endCursor` or an edge’s cursor)' })
  after?: string | null;
}

/** A client error in a GraphQL argument: `BAD_REQUEST` naming the argument, like a 400 problem naming the field. */
export function badArgument(argument: string, message: string): GraphQLError {
  return new GraphQLError(`${argument}: ${message}`, {
    extensions: { code: 'BAD_REQUEST', status: 400, errors: [{ field: argument, message }] },
  });
}

/**
 * The one reading of Relay paging arguments: the page size and cursor the services' keyset pages
 * take. Out of range is refused (never clamped), so a client learns its request was not what it got.
 */
export function pageArgs(args: ConnectionArgs): { limit: number; cursor: string | undefined } {
  const first = args.first ?? DEFAULT_FIRST;
  if (!Number.isInteger(first) || first < 1 || first > MAX_FIRST) throw badArgument('first', `must be between 1 and ${MAX_FIRST}`);
  const after = args.after ?? undefined;
  if (after !== undefined && (after.length === 0 || after.length > MAX_CURSOR_LENGTH)) throw badArgument('after', 'is not a cursor of this connection');
  return { limit: first, cursor: after };
}
