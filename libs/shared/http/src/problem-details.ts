import { HttpException, HttpStatus } from '@nestjs/common';

export interface FieldError {
  field: string;
  message: string;
}

/** RFC 9457 problem details, the one error shape of every Assay API. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

const TITLES: Record<number, [string, string]> = {
  400: ['invalid-request', 'Invalid request'],
  401: ['unauthenticated', 'Authentication required'],
  403: ['forbidden', 'Not allowed'],
  404: ['not-found', 'Not found'],
  405: ['method-not-allowed', 'Method not allowed'],
  409: ['conflict', 'Conflict'],
  413: ['payload-too-large', 'Payload too large'],
  415: ['unsupported-media-type', 'Unsupported media type'],
  422: ['unprocessable', 'Semantically invalid request'],
  429: ['rate-limited', 'Too many requests'],
  500: ['internal', 'Internal error'],
  502: ['bad-gateway', 'Upstream service failed'],
  503: ['unavailable', 'Service unavailable'],
  504: ['gateway-timeout', 'Upstream service timed out'],
};

export function problem(status: number, detail?: string, extra: Partial<ProblemDetails> = {}): ProblemDetails {
  const [slug, title] = TITLES[status] ?? [`status-${status}`, HttpStatus[status] ?? 'Error'];
  return { type: `urn:assay:problem:${slug}`, title, status, ...(detail ? { detail } : {}), ...extra };
}

/** An HttpException whose response body is already a problem document. */
export class ProblemException extends HttpException {
  constructor(
    status: number,
    detail?: string,
    extra: Partial<ProblemDetails> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(problem(status, detail, extra), status);
  }
}

export class NotFoundProblem extends ProblemException {
  constructor(what: string) {
    super(404, `${what} not found`);
  }
}

export class ConflictProblem extends ProblemException {
  constructor(detail: string) {
    super(409, detail);
  }
}

export class ServiceUnavailableProblem extends ProblemException {
  constructor(detail: string, retryAfterSeconds = 5) {
    super(503, detail, {}, { 'retry-after': String(retryAfterSeconds) });
  }
}
