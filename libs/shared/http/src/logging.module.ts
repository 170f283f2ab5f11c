import type { AppConfig } from '@assay/shared/config';
import { RequestContext } from '@assay/shared/tenancy-context';
import { DynamicModule } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import { LoggerModule } from 'nestjs-pino';

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

/** pino JSON logs with request id and tenant id on every line of a request. */
export function createLoggingModule(config: AppConfig): DynamicModule {
  return LoggerModule.forRoot({
    pinoHttp: {
      level: config.logLevel,
      name: `assay-${config.processName}`,
      genReqId: (req) => requestIdOf(req),
      customProps: (req) => {
        const identity = (req as IncomingMessage & { assayIdentity?: { tenantId: string | null; principalId: string | null } }).assayIdentity;
        return { tenantId: identity?.tenantId ?? RequestContext.peekTenantId(), principalId: identity?.principalId ?? undefined };
      },
      // Middleware may see a path relative to its mount point; originalUrl is the request's own.
      autoLogging: { ignore: (req) => /^\/(health|metrics)/.test((req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '') },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url?.split('?')[0] }),
      },
    },
  });
}
