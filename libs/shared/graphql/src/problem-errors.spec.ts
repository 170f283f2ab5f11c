import { ForbiddenException, HttpException } from '@nestjs/common';
import { GraphQLError } from 'graphql';
import { formatProblemError } from './problem-errors';

const problemException = (status: number, detail: string, extra: object = {}) =>
  new HttpException({ type: `urn:assay:problem:${status}`, title: 'Title', status, detail, ...extra }, status);

/** As Apollo hands a resolver's exception to formatError: wrapped in a located GraphQLError. */
const thrown = (exception: Error) => new GraphQLError(exception.message, { originalError: exception, path: ['supplier'] });
const internal = { message: 'Not Found Problem', path: ['supplier'], extensions: { code: 'INTERNAL_SERVER_ERROR' } };

describe('formatProblemError', () => {
  it('reports a problem by its status: another tenant’s id is NOT_FOUND with the detail, not an internal error', () => {
    expect(formatProblemError(internal, thrown(problemException(404, 'Supplier 42 not found')))).toEqual({
      message: 'Supplier 42 not found',
      path: ['supplier'],
      extensions: { code: 'NOT_FOUND', status: 404 },
    });
    const invalid = formatProblemError(internal, thrown(problemException(400, 'Invalid request', { errors: [{ field: 'name', message: 'required' }] })));
    expect(invalid.extensions).toEqual({ code: 'BAD_REQUEST', status: 400, errors: [{ field: 'name', message: 'required' }] });
    expect(formatProblemError(internal, thrown(problemException(409, 'The assessment is completed'))).extensions?.['code']).toBe('CONFLICT');
  });

  it('leaves server faults, plain errors and Nest’s own exceptions as they were', () => {
    expect(formatProblemError(internal, thrown(problemException(503, 'Database down')))).toBe(internal);
    expect(formatProblemError(internal, thrown(new Error('boom')))).toBe(internal);
    const forbidden = { message: 'This route needs suppliers:write', extensions: { code: 'FORBIDDEN' } };
    expect(formatProblemError(forbidden, thrown(new ForbiddenException('This route needs suppliers:write')))).toBe(forbidden);
  });
});
