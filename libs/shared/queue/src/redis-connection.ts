import { Redis, RedisOptions } from 'ioredis';

/**
 * Redis connections for BullMQ. Workers block on Redis and must retry for ever; producers in HTTP
 * processes fail fast instead so a request can answer 503 rather than hang while Redis is away.
 */
export function createRedisConnection(url: string, purpose: 'worker' | 'producer' | 'client', name: string): Redis {
  const options: RedisOptions = {
    connectionName: `assay-${name}-${purpose}`,
    maxRetriesPerRequest: purpose === 'worker' ? null : 2,
    enableOfflineQueue: purpose === 'worker',
    retryStrategy: (attempt) => Math.min(200 * attempt, 2_000),
    reconnectOnError: () => true,
    lazyConnect: false,
  };
  const connection = new Redis(url, options);
  // Errors surface on the commands that fail; an unhandled 'error' event would crash the process.
  connection.on('error', () => undefined);
  return connection;
}
