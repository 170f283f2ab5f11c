import { APP_CONFIG, AppConfig } from '@assay/shared/config';
import { JOB_QUEUE, JobName, QueueName } from '@assay/shared/contracts';
import { RedisClient, createRedisConnection } from '@assay/shared/redis';
import { RequestContext } from '@assay/shared/tenancy-context';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Job, UnrecoverableError, Worker } from 'bullmq';
import { JOB_HANDLER_METADATA, TICK_METADATA, TickSpec, tickSchedulerId } from './job-handler.decorator';
import { RegisteredHandler, buildHandlerTable } from './job-handler.registry';
import { ProviderScanner } from './provider-scanner';
import { QueueRegistry } from './queue.registry';

export const CONSUMED_QUEUES = Symbol('CONSUMED_QUEUES');

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A tick that could not be declared (Redis away at boot) is tried again after this long. */
const TICK_DECLARE_RETRY_MS = 5_000;

/**
 * Runs BullMQ workers for the consumed queues. Boot fails unless every job of those queues has
 * exactly one handler. Each job runs in a context bound to its payload's tenant; ticks (`@OnTick`)
 * act across tenants and run with none. It declares the Job Schedulers of the ticks on the queues it
 * consumes. On shutdown a worker first finishes its active jobs; past the grace period it lets go of
 * them, and their locks expire so another worker retries them.
 */
@Injectable()
export class WorkerHost implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WorkerHost.name);
  private readonly workers: Worker[] = [];
  private readonly connections: RedisClient[] = [];
  private readonly systemJobs = new Set<JobName>();
  private tickRetry: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CONSUMED_QUEUES) private readonly queues: QueueName[],
    private readonly scanner: ProviderScanner,
    private readonly registry: QueueRegistry,
  ) {}

  onApplicationBootstrap(): void {
    const handlers: RegisteredHandler[] = this.scanner
      .methodsWith<JobName>(JOB_HANDLER_METADATA)
      .map((found) => ({ job: found.meta, owner: found.owner, invoke: (payload, context) => found.call(payload, context) }));
    const table = buildHandlerTable(handlers, this.queues);
    const ticks = this.scanner.methodsWith<TickSpec>(TICK_METADATA).map((found) => found.meta);
    for (const tick of ticks) this.systemJobs.add(tick.job);
    void this.declareTicks(ticks.filter((tick) => this.queues.includes(JOB_QUEUE[tick.job])));
    for (const queue of this.queues) {
      const connection = createRedisConnection(this.config.redis, 'worker', `${this.config.processName}-${queue}`);
      this.connections.push(connection);
      const worker = new Worker(queue, (job: Job) => this.run(table, job), {
        connection,
        prefix: this.registry.prefix(queue),
        concurrency: queue === QueueName.EvidenceIngestion ? 2 : 10,
        lockDuration: this.config.jobLockMs,
        stalledInterval: Math.max(500, Math.floor(this.config.jobLockMs / 2)),
        // A job is failed for stalling only after this many worker deaths in a row while it ran:
        // crashes must not lose work (events, emails, ingestion), and a job that kills every worker
        // still ends.
        maxStalledCount: 10,
        autorun: true,
      });
      worker.on('failed', (job, error) => this.logger.warn(`job ${job?.name} ${job?.id} failed (attempt ${job?.attemptsMade}): ${error.message}`));
      worker.on('error', (error) => this.logger.error(`worker ${queue}: ${error.message}`));
      this.workers.push(worker);
    }
    this.logger.log(`consuming ${this.queues.join(', ')} with ${table.size} job handlers`);
  }

  private async run(table: Map<JobName, RegisteredHandler>, job: Job): Promise<unknown> {
    const handler = table.get(job.name as JobName);
    if (!handler) throw new UnrecoverableError(`no handler for job "${job.name}" on this worker`);
    const payload = job.data as { tenantId?: unknown } | null;
    if (!payload || typeof payload !== 'object') throw new UnrecoverableError('job payload is not an object');
    const context = { jobId: job.id, attemptsMade: job.attemptsMade };
    if (this.systemJobs.has(job.name as JobName)) return RequestContext.runDetached(() => handler.invoke(payload, context));
    if (typeof payload.tenantId !== 'string' || !UUID.test(payload.tenantId)) {
      throw new UnrecoverableError('job payload carries no valid tenantId');
    }
    return RequestContext.runForTenant(payload.tenantId, () => handler.invoke(payload, context), { requestId: `job:${job.id}` });
  }

  /** Upserts each tick's Job Scheduler; while Redis cannot be reached, tries again until it can. */
  private async declareTicks(ticks: TickSpec[]): Promise<void> {
    const pending: TickSpec[] = [];
    for (const tick of ticks) {
      const id = tickSchedulerId(tick.job);
      try {
        await this.registry
          .queue(JOB_QUEUE[tick.job])
          .upsertJobScheduler(id, { every: tick.intervalMs(this.config) }, { name: tick.job, data: { scheduler: id }, opts: { attempts: 1 } });
      } catch (error) {
        pending.push(tick);
        this.logger.warn(`could not declare the tick ${id}, trying again in ${TICK_DECLARE_RETRY_MS} ms: ${(error as Error).message}`);
      }
    }
    if (pending.length > 0 && !this.stopped) {
      this.tickRetry = setTimeout(() => void this.declareTicks(pending), TICK_DECLARE_RETRY_MS);
      this.tickRetry.unref();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.tickRetry) clearTimeout(this.tickRetry);
    const grace = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), this.config.shutdownGraceMs).unref());
    const outcome = await Promise.race([Promise.all(this.workers.map((worker) => worker.close())).then(() => 'closed' as const), grace]);
    if (outcome === 'timeout') {
      this.logger.warn('grace period over: releasing unfinished jobs for another worker to retry');
      await Promise.allSettled(this.workers.map((worker) => worker.close(true)));
    }
    for (const connection of this.connections) connection.disconnect();
  }
}
