import type { AppConfig } from '@assay/shared/config';
import { RequestContext } from '@assay/shared/tenancy-context';
import { DynamicModule } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { LoggerModule } from 'nestjs-pino';
import type { Options as PinoHttpOptions } from 'pino-http';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** A request id: the caller's (gateway's) if well formed, else a fresh one. */
export function requestIdOf(req: IncomingMessage): string {
  const header = req.headers['x-request-id'];
  const value = Array.isArray(header) ? header[0] : header;
  return value && REQUEST_ID.test(value) ? value : randomUUID();
}

/** Paths whose values never reach a log line. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-assay-identity"]',
  'req.headers["idempotency-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.token',
  '*.refreshToken',
  '*.accessToken',
  '*.secret',
  '*.key',
];

type LoggedRequest = IncomingMessage & { originalUrl?: string };

/** The tenant and principal a request was answered for, bound to its context once it is authenticated. */
function answeredFor(): { tenantId?: string; principalId?: string } {
  return { tenantId: RequestContext.peekTenantId(), principalId: RequestContext.peekPrincipalId() };
}

/**
 * pino-http's options: JSON logs with the request id on every line of a request and, on the line
 * that ends it, its tenant and principal. The request and response are logged by the fields named
 * here only, taken from them as they are (no copy of every header first), and the tenant and
 * principal join the request's last line only: they are not known when the request's logger is made.
 */
export function requestLogOptions(config: Pick<AppConfig, 'logLevel' | 'processName'>): PinoHttpOptions {
  return {
    level: config.logLevel,
    name: `assay-${config.processName}`,
    genReqId: (req) => requestIdOf(req),
    customSuccessObject: (_req, _res, value) => ({ ...value, ...answeredFor() }),
    customErrorObject: (_req, _res, _error, value) => ({ ...value, ...answeredFor() }),
    // Middleware may see a path relative to its mount point; originalUrl is the request's own.
    autoLogging: { ignore: (req) => /^\/(health|metrics)/.test((req as LoggedRequest).originalUrl ?? req.url ?? '') },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    wrapSerializers: false,
    serializers: {
      req: (req: LoggedRequest) => ({ id: req.id, method: req.method, url: (req.originalUrl ?? req.url)?.split('?')[0] }),
      res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
    },
  };
}

/** The request log of a process (`requestLogOptions`), through nestjs-pino. */
export function createLoggingModule(config: AppConfig): DynamicModule {
  return LoggerModule.forRoot({ pinoHttp: requestLogOptions(config) });
}
