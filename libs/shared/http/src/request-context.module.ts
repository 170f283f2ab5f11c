import { RequestContext } from '@assay/shared/tenancy-context';
import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';

/** Every route of the Fastify application (path-to-regexp 8 syntax, as Nest 11 on Fastify 5 takes it). */
const EVERY_ROUTE = '{*path}';

function openRequestContext(_request: unknown, _response: unknown, next: () => void): void {
  RequestContext.openForRequest(next);
}

/**
 * Opens a fresh request context (AsyncLocalStorage) for every HTTP request with one plain middleware,
 * which the access guard then binds to the caller. It replaces `ClsModule.forRoot`, which also mounts
 * a global guard and interceptor that do nothing here but cost every request an interceptor chain
 * (see Benchmarks, "The cost of a request").
 */
@Module({})
export class RequestContextModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(openRequestContext).forRoutes(EVERY_ROUTE);
  }
}
