import { INTERNAL_IDENTITY_HEADER, IdentityTokenIssuer } from '@assay/shared/auth';
import type { AppConfig } from '@assay/shared/config';
import {
  IdempotencyStore,
  PROBLEM_CONTENT_TYPE,
  ProblemDetailsFilter,
  ProblemException,
  isValidIdempotencyKey,
  problem,
  requestFingerprint,
} from '@assay/shared/http';
import { DB_QUERIES_HEADER, LocalHandler, isDraining, localServers } from '@assay/shared/http/app';
import replyFrom, { FastifyReplyFromHooks as ReplyFromHooks } from '@fastify/reply-from';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { PassThrough, type Readable } from 'node:stream';
import { GatewayAuthenticator, principalKey } from '../authentication/gateway-authenticator';
import type { GatewayRateLimits } from '../rate-limit/rate-limits';
import { serviceForPath } from './route-table';
import { ServiceUpstreams, isConnectionFailure } from './service-upstreams';

export interface RestProxyDeps {
  config: AppConfig;
  authenticator: GatewayAuthenticator;
  issuer: IdentityTokenIssuer;
  idempotency: IdempotencyStore;
  rateLimits: GatewayRateLimits;
  upstreams: ServiceUpstreams;
}

/** Headers a client may never set on the way in: the gateway alone speaks for identity. */
const STRIPPED_REQUEST_HEADERS = [INTERNAL_IDENTITY_HEADER, 'authorization', 'cookie', 'x-request-id', 'idempotency-key', 'connection', 'keep-alive'];
const JSON_BODY_LIMIT = 1024 * 1024;
const errors = new ProblemDetailsFilter();
/** Room for a multipart body's boundaries and fields beyond the upload limit of its file. */
const MULTIPART_MARGIN = 1024 * 1024;

/** Uploads whose rest is read and discarded once the service has answered (see forwardedUpload). */
const drainedUploads = new WeakSet<object>();

/**
 * A streamed upload as the proxy forwards it. The upstream client destroys the stream it was given
 * once the service has answered, which is early when the service refuses before reading the body (no
 * permission to upload, a file too large). Given the client's request itself, that destroyed the
 * client's connection, sometimes before the answer was written: the client, still writing its body,
 * saw a reset instead of the refusal. Forwarded through a stream of its own, the rest of the client's
 * body is read and discarded instead (up to `maxBytes` in all; a body larger still loses its
 * connection), and the answer reaches the client on a connection that stays usable.
 */
export function forwardedUpload(payload: IncomingMessage, maxBytes: number): Readable {
  const forwarded = new PassThrough();
  drainedUploads.add(forwarded);
  let received = 0;
  payload.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (received > maxBytes) payload.destroy();
  });
  payload.once('error', (error) => forwarded.destroy(error));
  payload.once('close', () => {
    if (!payload.readableEnded) forwarded.destroy(new Error('the client closed the connection before its upload ended'));
  });
  forwarded.once('close', () => {
    if (payload.readableEnded || payload.destroyed) return;
    payload.unpipe(forwarded);
    payload.resume();
  });
  payload.pipe(forwarded);
  return forwarded;
}

function sendProblem(reply: FastifyReply, error: unknown): FastifyReply {
  const { body, headers } = errors.toProblem(error);
  return reply.status(body.status).headers(headers).header('content-type', PROBLEM_CONTENT_TYPE).send(body);
}

/**
 * Authenticates, then counts the request against the caller's rate limits (a refused credential
 * counts against the client address, so guessing keys is limited too), then reports the refusal.
 */
export async function authenticateAndLimit(deps: Pick<RestProxyDeps, 'authenticator' | 'rateLimits'>, request: FastifyRequest, reply: FastifyReply) {
  let identity: Awaited<ReturnType<GatewayAuthenticator['authenticate']>> | null = null;
  let refusal: unknown = null;
  try {
    identity = await deps.authenticator.authenticate(request);
  } catch (error) {
    refusal = error;
  }
  await deps.rateLimits.apply(request, reply, identity);
  if (!identity) throw refusal;
  return identity;
}

/**
 * Hands a request without a body to a service of this process (the `combined` layout of `npm
 * start`): the request's own objects go through the service's whole HTTP pipeline with exactly the
 * headers the proxy would have sent (the client's identity headers removed, the identity token, the
 * request id and the client's address added), and the service answers the client directly. The
 * gateway's headers so far (rate limits) are kept, and its own hooks (metrics, the request log)
 * still see the answer finish. A loopback connection, the HTTP client and the service's parse of the
 * request are what this leaves out: measured, more than half of the CPU time of a cached read.
 */
export function forwardInProcess(local: LocalHandler, request: FastifyRequest, reply: FastifyReply, token: string): FastifyReply {
  const raw = request.raw;
  for (const name of STRIPPED_REQUEST_HEADERS) delete raw.headers[name];
  raw.headers[INTERNAL_IDENTITY_HEADER] = token;
  raw.headers['x-request-id'] = request.id;
  raw.headers['x-forwarded-for'] = request.ip;
  for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) reply.raw.setHeader(name, value);
  // A draining gateway tells the client not to send more on this connection, whoever answers.
  if (isDraining(request.server.server)) reply.raw.setHeader('connection', 'close');
  localServers.markForwarded(raw);
  reply.hijack();
  local(raw, reply.raw);
  return reply;
}

/**
 * `/api/v1/*`: authenticates, mints the audience-bound identity token and forwards to the owning
 * service. Bodies are forwarded byte for byte (JSON buffered within a limit; multipart streamed).
 * POSTs with an `Idempotency-Key` are answered from the stored first response on replay.
 */
export async function restProxyPlugin(fastify: FastifyInstance, deps: RestProxyDeps): Promise<void> {
  fastify.removeAllContentTypeParsers();
  // The raw request stream becomes the body, which reply-from pipes upstream without buffering; uploads
  // are bounded by the same validated limit the evidence service applies.
  fastify.addContentTypeParser('multipart/form-data', { bodyLimit: deps.config.evidence.maxBytes }, (_request, payload, done) =>
    done(null, forwardedUpload(payload, deps.config.evidence.maxBytes + MULTIPART_MARGIN)),
  );
  fastify.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: JSON_BODY_LIMIT }, (_request, body, done) => done(null, body));
  // Idle upstream connections close here after 30 s, well before the services would close them
  // (SERVER_KEEP_ALIVE_MS), so a request never goes out on a connection the service is closing.
  await fastify.register(replyFrom, {
    undici: { connections: 128, pipelining: 1, keepAliveTimeout: 30_000, keepAliveMaxTimeout: 30_000, headersTimeout: 60_000, bodyTimeout: 300_000 },
    disableRequestLogging: true,
    retryMethods: ['GET', 'HEAD', 'OPTIONS'],
  });

  fastify.setErrorHandler((error, _request, reply) => sendProblem(reply, error));
  // The proxy closes a connection whose request body the service answered before it was complete;
  // an upload's rest is read and discarded instead, so its connection stays open for the next request.
  fastify.addHook('onSend', async (request, reply, payload) => {
    if (drainedUploads.has(request.body as object)) reply.removeHeader('connection');
    return payload;
  });
  // An upload answered by the gateway itself (no route, a rate limit) was never forwarded: its rest
  // is read and discarded too, or the client's connection would stall with the body half read.
  fastify.addHook('onResponse', async (request) => {
    if (drainedUploads.has(request.body as object)) (request.body as Readable).destroy();
  });

  fastify.all('/*', async (request, reply) => {
    const service = serviceForPath(request.url);
    if (!service) throw new ProblemException(404, `No route ${request.method} ${request.url.split('?')[0]}`);
    const identity = await authenticateAndLimit(deps, request, reply);
    const token = await deps.issuer.issue(identity, service);
    const upstream = deps.upstreams.pick(service);
    const target = `${upstream}${request.url}`;
    const rewriteRequestHeaders = (_req: unknown, headers: IncomingHttpHeaders): IncomingHttpHeaders => {
      const forwarded: IncomingHttpHeaders = { ...headers };
      for (const name of STRIPPED_REQUEST_HEADERS) delete forwarded[name];
      return { ...forwarded, [INTERNAL_IDENTITY_HEADER]: token, 'x-request-id': request.id, 'x-forwarded-for': request.ip };
    };
    // Internal diagnostics of a service never reach clients.
    const rewriteHeaders = (headers: IncomingHttpHeaders): IncomingHttpHeaders => {
      const kept = { ...headers };
      delete kept[DB_QUERIES_HEADER];
      return kept;
    };
    type ProxyReply = Parameters<NonNullable<ReplyFromHooks['onError']>>[0];
    const onError = (proxyReply: ProxyReply, { error }: { error: Error }): void => {
      request.log.warn({ err: error, service, upstream }, 'upstream request failed');
      if (isConnectionFailure(error)) deps.upstreams.refused(upstream);
      const status = /timeout/i.test(error.message) ? 504 : 503;
      void proxyReply
        .status(status)
        .header('content-type', PROBLEM_CONTENT_TYPE)
        .header('retry-after', '5')
        .send(problem(status, `The ${service} service is unavailable; retry shortly`));
    };

    // Buffered bodies go upstream as the exact bytes the client sent (never re-encoded).
    const forwardedBody = Buffer.isBuffer(request.body)
      ? { body: request.body, contentType: request.headers['content-type'] ?? 'application/octet-stream' }
      : {};
    const key = request.headers['idempotency-key'];
    const idempotent = request.method === 'POST' && typeof key === 'string' && Buffer.isBuffer(request.body);
    if (typeof key === 'string' && request.method === 'POST' && !isValidIdempotencyKey(key)) {
      throw new ProblemException(400, 'Idempotency-Key must be 1-255 visible ASCII characters', {
        errors: [{ field: 'Idempotency-Key', message: 'invalid' }],
      });
    }
    if (!idempotent && request.body === undefined) {
      const local = localServers.at(upstream);
      if (local) return forwardInProcess(local, request, reply, token);
    }
    if (!idempotent) return reply.from(target, { ...forwardedBody, rewriteRequestHeaders, rewriteHeaders, onError });

    const scope = principalKey(identity, request);
    const fingerprint = requestFingerprint(request.method, request.url, request.body as Buffer);
    const outcome = await deps.idempotency.begin(scope, key, fingerprint);
    if (outcome.kind === 'mismatch') throw new ProblemException(422, 'This Idempotency-Key was used with a different request');
    if (outcome.kind === 'conflict') throw new ProblemException(409, 'A request with this Idempotency-Key is still being processed');
    if (outcome.kind === 'replay') {
      return reply
        .status(outcome.response.status)
        .headers(outcome.response.headers)
        .header('idempotent-replayed', 'true')
        .send(Buffer.from(outcome.response.body, 'base64'));
    }
    return reply.from(target, {
      ...forwardedBody,
      rewriteRequestHeaders,
      rewriteHeaders,
      onError: (proxyReply, failure) => {
        void deps.idempotency.release(scope, key);
        onError(proxyReply, failure);
      },
      onResponse: (_req, proxyReply, res) => {
        const chunks: Buffer[] = [];
        res.stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.stream.on('error', () => void deps.idempotency.release(scope, key));
        res.stream.on('end', () => {
          const body = Buffer.concat(chunks);
          const headers: Record<string, string> = {};
          for (const name of ['content-type', 'location']) {
            const value = proxyReply.getHeader(name);
            if (typeof value === 'string') headers[name] = value;
          }
          deps.idempotency
            .complete(scope, key, fingerprint, { status: proxyReply.statusCode, headers, body: body.toString('base64') })
            .catch((error: unknown) => request.log.warn({ err: error }, 'could not store idempotent response'))
            .finally(() => void proxyReply.send(body));
        });
      },
    });
  });
}
