import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Observable } from 'rxjs';
import { ProblemException } from './problem-details';

/** A JSON body that did not parse, kept until the access guard has run. */
export class MalformedJsonBody {
  constructor(readonly reason: string) {}
}

/** Answers a malformed JSON body with 400 once the guard has let the call through (interceptors run after guards). */
@Injectable()
export class MalformedJsonInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const body = context.getType() === 'http' ? context.switchToHttp().getRequest<{ body?: unknown }>().body : undefined;
    if (body instanceof MalformedJsonBody) throw new ProblemException(400, body.reason);
    return next.handle();
  }
}

/**
 * JSON bodies are parsed by Fastify's own parser (prototype poisoning refused), but one that does not
 * parse is answered only after the access guard (by MalformedJsonInterceptor): a caller without
 * access gets 401 or 403, the same as for any other body, never a parse error from a route they may
 * not call. Replaces the parser Nest registers, so it runs after the application's init.
 */
export function deferMalformedJson(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  const parse = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    parse(request, String(body), (error, value) => done(null, error ? new MalformedJsonBody(error.message) : value));
  });
}
