import { RedisClient, createRedisConnection } from '@assay/shared/redis';
import { Clock } from './clock';

/*
 * Moving business time across every process of a stack (tests, demos; never production). One Redis
 * hash-tagged key family, so it works on a Redis Cluster too:
 * - `{assay:clock}:offset` holds the current move `{ offsetMs, version }`; a process that starts later
 *   reads it before it serves anything;
 * - a move is published on `{assay:clock}:moves`; every following process applies it and acknowledges
 *   by writing the version it has reached into `{assay:clock}:processes` (with a heartbeat);
 * - the mover returns only once every live process has acknowledged, so the next request a test makes,
 *   in any process, already sees the new time.
 */

const OFFSET_KEY = '{assay:clock}:offset';
const MOVES_CHANNEL = '{assay:clock}:moves';
const PROCESSES_KEY = '{assay:clock}:processes';
const VERSION_KEY = '{assay:clock}:version';
const HEARTBEAT_MS = 1_000;
/** A process whose heartbeat is older than this is taken for dead and not waited for. */
const LIVE_WITHIN_MS = 5_000;

interface Move {
  offsetMs: number;
  version: number;
}

interface ProcessState {
  version: number;
  seenAt: number;
}

function readMove(raw: string | null): Move | null {
  if (!raw) return null;
  try {
    const value = JSON.parse(raw) as Partial<Move>;
    if (Number.isSafeInteger(value.offsetMs) && Number.isSafeInteger(value.version)) return value as Move;
  } catch {
    // a key someone else wrote: ignore it
  }
  return null;
}

/** Keeps one process's clock in step with the moves a test makes. */
export class ClockFollower {
  private subscriber: RedisClient | undefined;
  private client: RedisClient | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private version = 0;

  constructor(
    private readonly clock: Clock,
    /** REDIS_URL: one server or a cluster. */
    private readonly redisUrl: string,
    /** Unique per process, e.g. `assessments-12345`. */
    private readonly processId: string,
  ) {}

  /** Subscribes first and reads the current offset second, so no move between the two is missed. */
  async start(): Promise<void> {
    // Waits for Redis as a worker does: a process follows the clock from its first request.
    this.subscriber = createRedisConnection(this.redisUrl, 'worker', `${this.processId}-clock`);
    this.client = createRedisConnection(this.redisUrl, 'worker', `${this.processId}-clock`);
    this.subscriber.on('message', (_channel: string, message: string) => void this.apply(readMove(message)));
    await this.subscriber.subscribe(MOVES_CHANNEL);
    await this.apply(readMove(await this.client.get(OFFSET_KEY)));
    await this.acknowledge();
    this.heartbeat = setInterval(() => void this.acknowledge().catch(() => undefined), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  private async apply(move: Move | null): Promise<void> {
    if (!move || move.version <= this.version) return;
    this.clock.setOffset(move.offsetMs);
    this.version = move.version;
    await this.acknowledge().catch(() => undefined);
  }

  private async acknowledge(): Promise<void> {
    const state: ProcessState = { version: this.version, seenAt: Date.now() };
    await this.client?.hset(PROCESSES_KEY, this.processId, JSON.stringify(state));
  }

  async stop(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    await this.client?.hdel(PROCESSES_KEY, this.processId).catch(() => undefined);
    this.subscriber?.disconnect();
    this.client?.disconnect();
  }
}

/** What a test uses to move business time forward in every process of its stack. */
export class ClockMover {
  private readonly redis: RedisClient;

  constructor(redisUrl: string) {
    this.redis = createRedisConnection(redisUrl, 'producer', 'clock-mover');
  }

  /** How far business time is ahead of the machine's time now. */
  async offset(): Promise<number> {
    return readMove(await this.redis.get(OFFSET_KEY))?.offsetMs ?? 0;
  }

  /** Moves business time forward by `ms` and waits until every live process runs on it. */
  async advance(ms: number): Promise<Date> {
    if (!Number.isSafeInteger(ms) || ms < 0) throw new RangeError(`can only move the clock forward by whole milliseconds (got ${ms})`);
    const offsetMs = (await this.offset()) + ms;
    const version = await this.redis.incr(VERSION_KEY);
    const move = JSON.stringify({ offsetMs, version } satisfies Move);
    await this.redis.set(OFFSET_KEY, move);
    await this.redis.publish(MOVES_CHANNEL, move);
    await this.waitForAll(version);
    return new Date(Date.now() + offsetMs);
  }

  private async waitForAll(version: number, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const states = Object.entries(await this.redis.hgetall(PROCESSES_KEY)).map(([id, raw]) => ({ id, state: JSON.parse(raw) as ProcessState }));
      const lagging = states.filter(({ state }) => Date.now() - state.seenAt < LIVE_WITHIN_MS && state.version < version).map(({ id }) => id);
      if (lagging.length === 0) return;
      if (Date.now() > deadline) throw new Error(`clock move ${version} not acknowledged by ${lagging.join(', ')} within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}
