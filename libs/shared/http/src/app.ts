/**
 * Building and running an HTTP process: the Fastify application, operations routes, the service
 * core and the service runner. Kept apart from the main entry (problems, validation, paging,
 * logging), which the worker's code also uses, so that the worker never loads the HTTP, OpenAPI and
 * GraphQL layers these bring.
 */
export * from './operations.module';
export * from './http-app.bootstrap';
export * from './service-core.module';
export * from './service-runner';
export * from './deferred-json';
export * from './local-servers';
