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

/** Events one relay pass moves per schema; a full batch means more are waiting. */
export const OUTBOX_BATCH = 200;
const RETENTION = '7 days';
const PRUNE_EVERY_MS = 3_600_000;

/**
 * Moves committed outbox rows of one service schema onto the events queue. Rows are claimed with
 * FOR UPDATE SKIP LOCKED so every process that relays the schema (its HTTP replicas and the
 * workers that write to it) shares the work without waiting on the others, enqueued with the event
 * id as job id (a replay after a crash between enqueue and commit is de-duplicated by BullMQ, and
 * consumers are idempotent anyway), and marked published in the same transaction that claimed them.
 */
export class OutboxRelay {
  private lastPrune = 0;

  constructor(
    readonly schema: string,
    private readonly database: TenantDatabase,
    private readonly producer: JobProducer,
  ) {}

  /** Relays up to one batch, oldest first; returns how many events went onto the queue. */
  async relayOnce(limit = OUTBOX_BATCH): Promise<number> {
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

  /** Deletes events published longer ago than the retention, at most once an hour. */
  async pruneIfDue(): Promise<void> {
    if (Date.now() - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = Date.now();
    await this.database.runAsSystem((manager) =>
      manager.query(`delete from ${quoteIdent(this.schema)}.outbox where published_at < now() - interval '${RETENTION}'`),
    );
  }
}

/**
 * The one relay loop of a process: each pass relays a batch of every outbox schema the process
 * writes to (registered by OutboxRelayModule.forSchema), then waits OUTBOX_POLL_MS, or not at all
 * while some schema still has a full batch waiting; a schema that fails backs the loop off, up to 5 s.
 * OUTBOX_RELAY=off disables it.
 */
@Injectable()
export class OutboxRelays implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelays.name);
  private readonly relays = new Map<string, OutboxRelay>();
  private readonly failures = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly database: TenantDatabase,
    private readonly producer: JobProducer,
  ) {}

  /** Adds a schema to the loop (once, however many modules name it). */
  register(schema: string): string {
    if (!this.relays.has(schema)) this.relays.set(schema, new OutboxRelay(schema, this.database, this.producer));
    return schema;
  }

  /** The schemas this process relays. */
  get schemas(): string[] {
    return [...this.relays.keys()];
  }

  onApplicationBootstrap(): void {
    if (process.env['OUTBOX_RELAY'] === 'off' || this.relays.size === 0) return;
    this.logger.log(`relaying the outbox of ${this.schemas.join(', ')}`);
    this.schedule(0);
  }

  /** One pass over every schema; true when some schema filled its batch (more is waiting). */
  async relayAll(): Promise<boolean> {
    let more = false;
    for (const relay of this.relays.values()) {
      try {
        more = (await relay.relayOnce()) === OUTBOX_BATCH || more;
        await relay.pruneIfDue();
        this.failures.delete(relay.schema);
      } catch (error) {
        const failures = (this.failures.get(relay.schema) ?? 0) + 1;
        this.failures.set(relay.schema, failures);
        if (failures === 1 || failures % 20 === 0) {
          this.logger.warn(`outbox relay of ${relay.schema} failed ${failures}x, will retry: ${(error as Error).message}`);
        }
      }
    }
    return more;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick().finally(() => (this.running = undefined));
    }, delayMs);
  }

  private async tick(): Promise<void> {
    const more = await this.relayAll();
    const failures = Math.max(0, ...this.failures.values());
    const backoff = failures > 0 ? Math.min(this.config.outboxPollMs * 2 ** failures, 5_000) : this.config.outboxPollMs;
    this.schedule(more ? 0 : backoff);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}
