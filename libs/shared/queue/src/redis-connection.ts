import { Redis, RedisOptions } from 'ioredis';

/**
 * Redis connections. Workers block on Redis and must retry for ever; producers and clients in HTTP
 * processes give up after a couple of retries so a request can answer 503 rather than hang while
 * Redis is away.
 */
export function createRedisConnection(url: string, purpose: 'worker' | 'producer' | 'client', name: string): Redis {
  const options: RedisOptions = {
    connectionName: `assay-${name}-${purpose}`,
    maxRetriesPerRequest: purpose === 'worker' ? null : 2,
    // Commands wait while a connection is (re)established; producers still fail after two retries.
    enableOfflineQueue: true,
    // A request's own commands (sessions, rate limits, idempotency keys) give up after 2 s, so the
    // request answers 503 instead of waiting out a Redis outage.
    // Their commands also go out together: every command issued in one turn of the event loop (the
    // rate-limit counts and revocation checks of the requests that arrived together) is one write
    // and one round trip to Redis rather than one each.
    ...(purpose === 'client' ? { commandTimeout: 2_000, enableAutoPipelining: true } : {}),
    retryStrategy: (attempt) => Math.min(200 * attempt, 2_000),
    reconnectOnError: () => true,
    lazyConnect: false,
  };
  const connection = new Redis(url, options);
  // Errors surface on the commands that fail; an unhandled 'error' event would crash the process.
  connection.on('error', () => undefined);
  return connection;
}
