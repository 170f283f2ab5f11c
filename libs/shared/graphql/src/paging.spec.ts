import { HttpException } from '@nestjs/common';
import { GraphQLError } from 'graphql';
import { formatProblemError } from './problem-errors';
import { DEFAULT_FIRST, MAX_FIRST, pageArgs } from './paging';

/** What a client sees when a resolver throws: Apollo wraps it in a located GraphQLError, then the subgraph formats it. */
function asClientSees(thrown: unknown) {
  const error = new GraphQLError('raw', { originalError: thrown as Error, path: ['suppliers'] });
  return formatProblemError({ message: 'raw', extensions: { code: 'INTERNAL_SERVER_ERROR' } }, error);
}

describe('pageArgs', () => {
  it('defaults first and passes a cursor through', () => {
    expect(pageArgs(undefined, undefined)).toEqual({ limit: DEFAULT_FIRST, cursor: undefined });
    expect(pageArgs(null, null)).toEqual({ limit: DEFAULT_FIRST, cursor: undefined });
    expect(pageArgs(1, 'abc')).toEqual({ limit: 1, cursor: 'abc' });
    expect(pageArgs(MAX_FIRST, undefined).limit).toBe(MAX_FIRST);
  });

  it.each([0, -1, MAX_FIRST + 1, 2 ** 31 - 1, 1.5])('refuses first = %p as BAD_REQUEST naming the argument', (first) => {
    let thrown: unknown;
    try {
      pageArgs(first, undefined);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(HttpException);
    expect((thrown as HttpException).getStatus()).toBe(400);
    const formatted = asClientSees(thrown);
    expect(formatted.message).toBe(`first must be between 1 and ${MAX_FIRST}`);
    expect(formatted.extensions).toMatchObject({ code: 'BAD_REQUEST', status: 400, errors: [{ field: 'first' }] });
  });

  it.each(['', 'x'.repeat(513)])('refuses an after that cannot be a cursor', (after) => {
    expect(() => pageArgs(10, after)).toThrow(HttpException);
    expect(asClientSees(catchError(() => pageArgs(10, after))).extensions).toMatchObject({ code: 'BAD_REQUEST', errors: [{ field: 'after' }] });
  });
});

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}
