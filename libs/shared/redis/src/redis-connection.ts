import { RedisClusterTarget, RedisTarget, parseRedisUrl } from '@assay/shared/config';
import { Cluster, ClusterOptions, Command, Redis, RedisOptions } from 'ioredis';

/** A connection to the Redis that `REDIS_URL` names: one server, or a Redis Cluster. */
export type RedisClient = Redis | Cluster;

/**
 * What a connection is for. Workers block on Redis and must retry for ever; producers and clients in
 * HTTP processes give up soon so a request can answer 503 rather than hang while Redis is away.
 */
export type RedisPurpose = 'worker' | 'producer' | 'client';

/**
 * A request's own commands (sessions, rate limits, idempotency keys) give up after this long, so the
 * request answers 503 instead of waiting out a Redis outage.
 */
const CLIENT_COMMAND_TIMEOUT_MS = 2_000;
/**
 * On a cluster, how long a producer's command may take, waiting for the cluster included (a single
 * server's producer gives up after two reconnection attempts instead).
 */
const PRODUCER_CLUSTER_COMMAND_LIMIT_MS = 10_000;

const retryStrategy = (attempt: number) => Math.min(200 * attempt, 2_000);

/** REDIS_URL read, or the target itself. */
export function redisTarget(target: RedisTarget | string): RedisTarget {
  return typeof target === 'string' ? parseRedisUrl(target) : target;
}

/**
 * A cluster connection whose commands give up after `limitMs`. While no node is connected, ioredis
 * queues a command with no time limit of its own, also one sent before a node went away and retried
 * since, and a request must answer 503, not hang. Its duplicates (BullMQ's blocking connections) are
 * plain clusters.
 */
class BoundedWaitCluster extends Cluster {
  constructor(
    nodes: ConstructorParameters<typeof Cluster>[0],
    options: ClusterOptions,
    private readonly limitMs: number,
  ) {
    super(nodes, options);
  }

  override sendCommand(command: Command, stream?: Parameters<Cluster['sendCommand']>[1], node?: unknown): unknown {
    // Only the first call arms the timer: redirections (MOVED, ASK) come back through here.
    command.setTimeout(this.limitMs);
    return super.sendCommand(command, stream, node);
  }
}

function serverConnection(url: string, purpose: RedisPurpose, name: string): Redis {
  return new Redis(url, {
    connectionName: `assay-${name}-${purpose}`,
    maxRetriesPerRequest: purpose === 'worker' ? null : 2,
    // Commands wait while a connection is (re)established; producers still fail after two retries.
    enableOfflineQueue: true,
    // A request's own commands also go out together: every command issued in one turn of the event
    // loop (the rate-limit counts and revocation checks of the requests that arrived together) is one
    // write and one round trip to Redis rather than one each.
    ...(purpose === 'client' ? { commandTimeout: CLIENT_COMMAND_TIMEOUT_MS, enableAutoPipelining: true } : {}),
    retryStrategy,
    reconnectOnError: () => true,
    lazyConnect: false,
  });
}

function clusterConnection(target: RedisClusterTarget, purpose: RedisPurpose, name: string): Cluster {
  const redisOptions: RedisOptions = {
    connectionName: `assay-${name}-${purpose}`,
    maxRetriesPerRequest: purpose === 'worker' ? null : 2,
    ...(purpose === 'client' ? { commandTimeout: CLIENT_COMMAND_TIMEOUT_MS } : {}),
    username: target.username,
    password: target.password,
    ...(target.tls ? { tls: {} } : {}),
    // No reconnectOnError: the cluster client itself follows MOVED/ASK and failovers.
  };
  const options: ClusterOptions = {
    redisOptions,
    clusterRetryStrategy: retryStrategy,
    enableOfflineQueue: true,
    enableReadyCheck: true,
    // Every command goes to the master of its slot: replicas may lag behind a write just made.
    scaleReads: 'master',
    // Nodes are reached by the names they announce; with TLS those names are what certificates carry.
    dnsLookup: (address, callback) => callback(null, address),
    lazyConnect: false,
  };
  if (purpose === 'worker') return new Cluster(target.nodes, options);
  return new BoundedWaitCluster(target.nodes, options, purpose === 'client' ? CLIENT_COMMAND_TIMEOUT_MS : PRODUCER_CLUSTER_COMMAND_LIMIT_MS);
}

/** The one way a process connects to Redis (queues, workers, the edge, clock control). */
export function createRedisConnection(target: RedisTarget | string, purpose: RedisPurpose, name: string): RedisClient {
  const where = redisTarget(target);
  const connection = where.mode === 'cluster' ? clusterConnection(where, purpose, name) : serverConnection(where.url, purpose, name);
  // Errors surface on the commands that fail; an unhandled 'error' event would crash the process.
  connection.on('error', () => undefined);
  return connection;
}
