import { unwrapResolverError } from '@apollo/server/errors';
import { HttpException } from '@nestjs/common';
import type { GraphQLFormattedError } from 'graphql';

/** The GraphQL error code for each client-error status a resolver may throw as a problem. */
const CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'BAD_USER_INPUT',
  429: 'RATE_LIMITED',
};

interface Problem {
  type: string;
  status: number;
  title?: string;
  detail?: string;
  errors?: unknown[];
}

const isProblem = (value: unknown): value is Problem =>
  typeof value === 'object' && value !== null && typeof (value as Problem).type === 'string' && typeof (value as Problem).status === 'number';

/**
 * Resolvers share the services' problem+json exceptions. Apollo would report every one of them as
 * INTERNAL_SERVER_ERROR named after the exception class ("Not Found Problem"), so a client could not
 * tell another tenant's id (not found) from a fault. A client error keeps its detail as the message,
 * its status and field errors, and a code by status; a 5xx stays an internal error.
 */
export function formatProblemError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const exception = unwrapResolverError(error);
  if (!(exception instanceof HttpException)) return formatted;
  const problem = exception.getResponse();
  const status = exception.getStatus();
  if (!isProblem(problem) || status >= 500) return formatted;
  const extensions = { ...formatted.extensions, code: CODES[status] ?? 'BAD_REQUEST', status, ...(problem.errors ? { errors: problem.errors } : {}) };
  return { ...formatted, message: problem.detail ?? problem.title ?? formatted.message, extensions };
}
