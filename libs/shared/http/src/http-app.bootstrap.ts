import { RequestContext } from '@assay/shared/tenancy-context';
import type { AppConfig } from '@assay/shared/config';
import type { IncomingMessage } from 'node:http';
import { DynamicModule, INestApplication, Logger as NestLogger, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { Histogram, Registry } from 'prom-client';
import { requestIdOf } from './logging.module';
import { METRICS_REGISTRY } from './operations.module';
import { answerMethodNotAllowed } from './method-not-allowed';
import { createValidationPipe } from './validation';
import { describeOperations } from './openapi-description';
import { serialiseReply } from './serialised-once';
import { localServers } from './local-servers';

export const DEFAULT_BODY_LIMIT = 1024 * 1024;
const MAX_PARAM_LENGTH = 200;
/** Longer than any client's idle timeout in front of a service (see createHttpApp). */
export const SERVER_KEEP_ALIVE_MS = 65_000;

export interface HttpAppOptions {
  bodyLimit?: number;
  /** Extra set-up before listening (OpenAPI, routes mounted outside Nest). */
  configure?: (app: NestFastifyApplication) => Promise<void> | void;
  /**
   * Whether the application closes itself on SIGTERM/SIGINT (default). A process hosting several
   * applications turns this off and closes them itself, in order.
   */
  shutdownHooks?: boolean;
}

/** Creates a Fastify-backed Nest application with Assay's logging, validation, metrics and shutdown. */
export async function createHttpApp(module: Type<unknown> | DynamicModule, config: AppConfig, options: HttpAppOptions = {}): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    trustProxy: true,
    genReqId: (req: IncomingMessage) => requestIdOf(req),
    requestIdHeader: false,
    // On shutdown: stop accepting connections, close idle keep-alive ones, answer every request
    // already on a connection (each answer then closes its connection), and only then exit.
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // An idle keep-alive connection is closed by its client (the gateway's proxy after 30 s, subgraph
    // fetches and load balancers within 60 s), never by the server first: a server closing it while a
    // request is on its way loses that request (EPIPE/ECONNRESET, and a streamed POST cannot be retried).
    keepAliveTimeout: SERVER_KEEP_ALIVE_MS,
  });
  // Before Nest registers its routes (at init), so every route is seen.
  answerMethodNotAllowed(adapter.getInstance(), MAX_PARAM_LENGTH);
  adapter.getInstance().setReplySerializer(serialiseReply);
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, { bufferLogs: true, abortOnError: false });
  app.useLogger(app.get(Logger));
  app.useGlobalPipes(createValidationPipe());
  if (options.shutdownHooks !== false) app.enableShutdownHooks();
  instrumentRequests(app, app.get<Registry>(METRICS_REGISTRY));
  await options.configure?.(app);
  return app;
}

export async function listen(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  await app.listen({ port: config.port, host: config.host });
  const server = app.getHttpServer();
  const address = server.address();
  if (address && typeof address === 'object') {
    const fastify = app.getHttpAdapter().getInstance();
    localServers.add(address.port, (req, res) => fastify.routing(req, res));
    server.once('close', () => localServers.remove(address.port));
  }
  new NestLogger('Bootstrap').log(`assay-${config.processName} listening on ${await app.getUrl()}`);
}

export const DB_QUERIES_HEADER = 'x-assay-db-queries';

const draining = new WeakSet<object>();

/** Whether the application listening on `server` is closing (its answers then close their connections). */
export function isDraining(server: object): boolean {
  return draining.has(server);
}

/** Marks the application listening on `server` as closing: from now on its answers close their connections. */
export function markDraining(server: object): void {
  draining.add(server);
}

function instrumentRequests(app: NestFastifyApplication, registry: Registry): void {
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('preClose', async () => markDraining(fastify.server));
  fastify.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    duration.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });
  fastify.addHook('onSend', async (request, reply, payload) => {
    void reply.header('x-request-id', request.id);
    // Draining: the client learns not to send more on this connection.
    if (draining.has(fastify.server)) void reply.header('connection', 'close');
    // How many SQL statements the request ran: lets tests hold list endpoints to a bounded number.
    // The gateway does not pass it on to clients.
    const queries = RequestContext.queryCount();
    if (queries !== undefined && !localServers.isForwarded(request.raw)) void reply.header(DB_QUERIES_HEADER, String(queries));
    return payload;
  });
}

/** Serves the service's OpenAPI document at /openapi.json for the gateway to merge. */
export function serveOpenApi(app: NestFastifyApplication, title: string): void {
  let document: unknown;
  app
    .getHttpAdapter()
    .getInstance()
    .get('/openapi.json', async () => {
      document ??= serviceOpenApiDocument(app, title);
      return document;
    });
}

/** The service's OpenAPI document, completed (security, problem responses, strict request schemas). */
export function serviceOpenApiDocument(app: INestApplication, title: string): Record<string, unknown> {
  const generated = SwaggerModule.createDocument(app, new DocumentBuilder().setTitle(title).setVersion('1').build());
  return describeOperations(generated as unknown as Record<string, unknown>);
}
