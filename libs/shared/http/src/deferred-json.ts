import { IdentityGuard } from '@assay/shared/auth';
import { ExecutionContext, Injectable } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ProblemException } from './problem-details';

/** A JSON body that did not parse, kept until the access guard has run. */
export class MalformedJsonBody {
  constructor(readonly reason: string) {}
}

/**
 * The services' one global guard: the access check (IdentityGuard), then a malformed JSON body is
 * answered with 400, so only a caller the route admits learns that the body did not parse. Done in
 * the guard rather than in an interceptor: a service with no interceptor skips Nest's per-request
 * interceptor chain (see Benchmarks, "The cost of a request").
 */
@Injectable()
export class ServiceAccessGuard extends IdentityGuard {
  override canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const admitted = super.canActivate(context);
    // Only an HTTP route's body is checked (GraphQL fields are guarded one by one).
    if (context.getType() !== 'http') return admitted;
    const body = context.switchToHttp().getRequest<{ body?: unknown }>().body;
    if (!(body instanceof MalformedJsonBody)) return admitted;
    return Promise.resolve(admitted).then((allowed) => {
      if (allowed) throw new ProblemException(400, body.reason);
      return allowed;
    });
  }
}

/**
 * JSON bodies are parsed by Fastify's own parser (prototype poisoning refused), but one that does not
 * parse is answered only after the access check (by ServiceAccessGuard): a caller without
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
