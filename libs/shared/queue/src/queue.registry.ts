import { APP_CONFIG, AppConfig, RedisTarget } from '@assay/shared/config';
import { machineNow } from '@assay/shared/clock';
import { JOB_QUEUE, JobName, JobPayload, QueueName, TenantJobPayload } from '@assay/shared/contracts';
import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { RedisClient, createRedisConnection } from '@assay/shared/redis';
import { JobsOptions, Queue } from 'bullmq';

/** Default retry policy for every job: exponential backoff, kept for inspection a while. */
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

/**
 * The key prefix of a queue. BullMQ keys are `<prefix>:<queue>:<suffix>` and its Lua scripts touch
 * several of a queue's keys at once, so on a Redis Cluster each queue's prefix carries a hash tag of
 * its own (`bull:{evidence-ingestion}`): all keys of one queue share a slot, and queues spread over
 * the cluster. A single server keeps BullMQ's default, `bull`, so jobs already queued stay where
 * their workers look.
 */
export function queuePrefix(redisMode: RedisTarget['mode'], queue: string): string {
  return redisMode === 'cluster' ? `bull:{${queue}}` : 'bull';
}

/** Owns one producer connection and one BullMQ Queue per queue name. */
@Injectable()
export class QueueRegistry implements OnApplicationShutdown {
  private readonly queues = new Map<string, Queue>();
  private connection: RedisClient | undefined;

  constructor(@Inject(APP_CONFIG) readonly config: AppConfig) {}

  get redis(): RedisClient {
    this.connection ??= createRedisConnection(this.config.redis, 'producer', this.config.processName);
    return this.connection;
  }

  /** The key prefix of `queue` on this stack's Redis; workers of the queue must use the same. */
  prefix(queue: string): string {
    return queuePrefix(this.config.redis.mode, queue);
  }

  queue(name: QueueName): Queue {
    return this.queueByName(name);
  }

  /** A queue outside the job table (the dead-letter queue), with its own job defaults. */
  queueByName(name: string, defaultJobOptions: JobsOptions = DEFAULT_JOB_OPTIONS): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.redis, prefix: this.prefix(name), defaultJobOptions });
      queue.on('error', () => undefined);
      this.queues.set(name, queue);
    }
    return queue;
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([...this.queues.values()].map((queue) => queue.close()));
    this.connection?.disconnect();
  }
}

/** Typed enqueueing: the payload type follows the job name, and every payload names its tenant. */
@Injectable()
export class JobProducer {
  constructor(private readonly registry: QueueRegistry) {}

  async enqueue<TName extends JobName>(name: TName, payload: JobPayload<TName>, options: JobsOptions = {}): Promise<string | undefined> {
    const job = await this.registry.queue(JOB_QUEUE[name]).add(name, payload, options);
    return job.id;
  }

  /**
   * Enqueues a job again under its id, unless a job of that id is still waiting, delayed or running.
   * A completed or failed job of that id (say one failed for stalling after its workers died) is
   * removed first, since BullMQ ignores an add whose id it still holds. Says whether it enqueued.
   */
  async enqueueAgain<TName extends JobName>(name: TName, payload: JobPayload<TName>, jobId: string): Promise<boolean> {
    const queue = this.registry.queue(JOB_QUEUE[name]);
    const existing = await queue.getJob(jobId);
    if (existing) {
      const state = await existing.getState();
      if (state !== 'completed' && state !== 'failed' && state !== 'unknown') return false;
      await existing.remove();
    }
    await queue.add(name, payload, { jobId });
    return true;
  }

  /**
   * A tick's fan-out: one job per tenant, named after the scheduler tick period of machine time
   * (`<prefix>_<tenantId>_<slot>`, the period being `schedulerTickMs`, the one every fan-out tick runs
   * at), so a repeated tick in the same period adds none.
   */
  async fanOutPerTenant<
    TName extends { [N in JobName]: JobPayload<N> extends TenantJobPayload ? (TenantJobPayload extends JobPayload<N> ? N : never) : never }[JobName],
  >(name: TName, tenantIds: readonly string[], prefix: string): Promise<{ tenants: number }> {
    const slot = Math.floor(machineNow() / this.registry.config.schedulerTickMs);
    await this.enqueueMany(
      name,
      tenantIds.map((tenantId) => ({ payload: { tenantId } as JobPayload<TName>, options: { jobId: `${prefix}_${tenantId}_${slot}` } })),
    );
    return { tenants: tenantIds.length };
  }

  async enqueueMany<TName extends JobName>(name: TName, jobs: { payload: JobPayload<TName>; options?: JobsOptions }[]): Promise<void> {
    if (jobs.length === 0) return;
    await this.registry.queue(JOB_QUEUE[name]).addBulk(jobs.map((job) => ({ name, data: job.payload, opts: job.options ?? {} })));
  }
}
