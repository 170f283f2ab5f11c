import { ConfigModule, loadConfig } from '@assay/shared/config';
import { JobName } from '@assay/shared/contracts';
import { TenantDatabase } from '@assay/shared/database';
import { Global, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { OUTBOX_BATCH, OutboxRelays } from './outbox-relay';
import { OutboxRelayModule, QueueModule } from './queue.module';
import { JobProducer } from './queue.registry';

const config = loadConfig('worker', {
  DATABASE_URL: 'postgres://u@127.0.0.1:1/db',
  REDIS_URL: 'redis://127.0.0.1:1',
  DATA_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
});

/** Outbox rows waiting per schema, and what the relay did with them; a schema named in `failing` refuses to be read. */
class FakeOutboxes {
  readonly waiting = new Map<string, number>();
  readonly published = new Map<string, number>();
  readonly failing = new Set<string>();

  readonly database = {
    runAsSystem: async <T>(work: (manager: { query: (sql: string, params?: unknown[]) => Promise<unknown> }) => Promise<T>): Promise<T> =>
      work({ query: async (sql, params) => this.query(sql, params ?? []) }),
  };

  private async query(sql: string, params: unknown[]): Promise<unknown> {
    const schema = /"([a-z]+)"\.outbox/.exec(sql)?.[1] ?? '';
    if (sql.startsWith('select')) {
      if (this.failing.has(schema)) throw new Error(`${schema} is unreachable`);
      const rows = Math.min(this.waiting.get(schema) ?? 0, Number(params[0]));
      return Array.from({ length: rows }, (_, n) => ({ tenant_id: `${schema}-tenant`, id: `${schema}-${n}`, payload: { id: `${schema}-${n}` } }));
    }
    if (sql.startsWith('update')) {
      const ids = params[1] as string[];
      this.waiting.set(schema, (this.waiting.get(schema) ?? 0) - ids.length);
      this.published.set(schema, (this.published.get(schema) ?? 0) + ids.length);
    }
    return [];
  }
}

/** A domain module that, like the domain worker modules, registers the outbox its jobs write. */
@Module({ imports: [OutboxRelayModule.forSchema('evidence')] })
class EvidenceJobsModule {}

async function boot(outboxes: FakeOutboxes) {
  @Global()
  @Module({ providers: [{ provide: TenantDatabase, useValue: outboxes.database }], exports: [TenantDatabase] })
  class FakeDatabaseModule {}

  const enqueued: { name: JobName; jobIds: string[] }[] = [];
  const moduleRef = await Test.createTestingModule({
    imports: [
      ConfigModule.forProcess('worker', config),
      FakeDatabaseModule,
      QueueModule,
      OutboxRelayModule.forSchema('evidence'),
      OutboxRelayModule.forSchema('notifications'),
      EvidenceJobsModule,
    ],
  })
    .overrideProvider(JobProducer)
    .useValue({
      enqueueMany: async (name: JobName, jobs: { options: { jobId: string } }[]) => void enqueued.push({ name, jobIds: jobs.map((job) => job.options.jobId) }),
    })
    .compile();
  return { relays: moduleRef.get(OutboxRelays), enqueued };
}

describe('the outbox relay loop of a process', () => {
  it('relays every schema the process writes, each once however many modules register it', async () => {
    const outboxes = new FakeOutboxes();
    outboxes.waiting.set('evidence', 3).set('notifications', 2);
    const { relays, enqueued } = await boot(outboxes);
    expect(relays.schemas.sort()).toEqual(['evidence', 'notifications']);

    expect(await relays.relayAll()).toBe(false);
    expect(Object.fromEntries(outboxes.published)).toEqual({ evidence: 3, notifications: 2 });
    expect(enqueued).toEqual([
      { name: JobName.EventDispatch, jobIds: ['evidence-0', 'evidence-1', 'evidence-2'] },
      { name: JobName.EventDispatch, jobIds: ['notifications-0', 'notifications-1'] },
    ]);
  });

  it('goes round again at once while a schema has a full batch waiting', async () => {
    const outboxes = new FakeOutboxes();
    outboxes.waiting.set('evidence', OUTBOX_BATCH + 1);
    const { relays } = await boot(outboxes);
    expect(await relays.relayAll()).toBe(true);
    expect(await relays.relayAll()).toBe(false);
    expect(outboxes.published.get('evidence')).toBe(OUTBOX_BATCH + 1);
  });

  it('keeps relaying the other schemas while one fails', async () => {
    const outboxes = new FakeOutboxes();
    outboxes.waiting.set('evidence', 1).set('notifications', 1);
    outboxes.failing.add('evidence');
    const { relays } = await boot(outboxes);
    expect(await relays.relayAll()).toBe(false);
    expect(Object.fromEntries(outboxes.published)).toEqual({ notifications: 1 });

    outboxes.failing.clear();
    await relays.relayAll();
    expect(Object.fromEntries(outboxes.published)).toEqual({ evidence: 1, notifications: 1 });
  });
});
