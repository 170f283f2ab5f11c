import { APP_CONFIG, AppConfig } from '@assay/shared/config';
import { DomainEvent, JobName } from '@assay/shared/contracts';
import { TenantDatabase, quoteIdent } from '@assay/shared/database';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { JobProducer } from './queue.registry';

interface OutboxRow {
  tenant_id: string;
  id: string;
  payload: DomainEvent;
}

export const OUTBOX_SCHEMA = Symbol('OUTBOX_SCHEMA');

const BATCH = 200;
const RETENTION = '7 days';

/**
 * Moves committed outbox rows of this service's schema onto the events queue. Rows are claimed with
 * FOR UPDATE SKIP LOCKED so replicas share the work, enqueued with the event id as job id (a replay
 * after a crash between enqueue and commit is de-duplicated by BullMQ, and consumers are idempotent
 * anyway), and marked published in the same transaction that claimed them.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = false;
  private failures = 0;
  private lastPrune = 0;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(OUTBOX_SCHEMA) private readonly schema: string,
    private readonly database: TenantDatabase,
    private readonly producer: JobProducer,
  ) {}

  onApplicationBootstrap(): void {
    if (process.env['OUTBOX_RELAY'] !== 'off') this.schedule(0);
  }

  /** Relays up to one batch; returns how many events went onto the queue. */
  async relayOnce(limit = BATCH): Promise<number> {
    const table = `${quoteIdent(this.schema)}.outbox`;
    return this.database.runAsSystem(async (manager) => {
      const rows: OutboxRow[] = await manager.query(
        `select tenant_id, id, payload from ${table} where published_at is null order by created_at, id limit $1 for update skip locked`,
        [limit],
      );
      if (rows.length === 0) return 0;
      await this.producer.enqueueMany(
        JobName.EventDispatch,
        rows.map((row) => ({ payload: { tenantId: row.tenant_id, event: row.payload }, options: { jobId: row.id } })),
      );
      await manager.query(`update ${table} set published_at = now() where (tenant_id, id) in (select * from unnest($1::uuid[], $2::uuid[]))`, [
        rows.map((row) => row.tenant_id),
        rows.map((row) => row.id),
      ]);
      return rows.length;
    });
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick().finally(() => (this.running = undefined));
    }, delayMs);
  }

  private async tick(): Promise<void> {
    let relayed = 0;
    try {
      relayed = await this.relayOnce();
      this.failures = 0;
      await this.prune();
    } catch (error) {
      this.failures += 1;
      if (this.failures === 1 || this.failures % 20 === 0) {
        this.logger.warn(`outbox relay of ${this.schema} failed ${this.failures}x, will retry: ${(error as Error).message}`);
      }
    }
    const backoff = this.failures > 0 ? Math.min(this.config.outboxPollMs * 2 ** this.failures, 5_000) : this.config.outboxPollMs;
    this.schedule(relayed === BATCH ? 0 : backoff);
  }

  private async prune(): Promise<void> {
    if (Date.now() - this.lastPrune < 3_600_000) return;
    this.lastPrune = Date.now();
    await this.database.runAsSystem((manager) =>
      manager.query(`delete from ${quoteIdent(this.schema)}.outbox where published_at < now() - interval '${RETENTION}'`),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}
