import { JobName, QueueName } from '@assay/shared/contracts';
import { newId, writeOutboxEvent } from '@assay/shared/database';
import { appDatabase, ownerDataSource, stackConfig } from '../helpers';
import type { DataSource } from 'typeorm';
import { JobProducer, OutboxRelay, QueueRegistry } from '@assay/shared/queue';

describe('OutboxRelay', () => {
  const config = stackConfig('evidence');
  let app: Awaited<ReturnType<typeof appDatabase>>;
  let owner: DataSource;
  let registry: QueueRegistry;
  let relay: OutboxRelay;
  const tenantId = newId();
  const processed = (evidenceId: string) => ({
    evidenceId,
    supplierId: newId(),
    claimIds: ['1.1'],
    kind: 'sbom',
    status: 'processed' as const,
    sha256: 'a'.repeat(64),
    checks: [{ key: 'sbom.parsed', claimIds: ['1.1'], result: 'pass' as const, detail: 'parsed' }],
  });

  beforeAll(async () => {
    app = await appDatabase();
    owner = await ownerDataSource();
    registry = new QueueRegistry(config);
    relay = new OutboxRelay('evidence', app.database, new JobProducer(registry));
  });
  afterAll(async () => {
    await registry.onApplicationShutdown();
    await app.dataSource.destroy();
    await owner.destroy();
  });

  it('delivers exactly what was committed, and nothing from a rolled-back transaction', async () => {
    const committed = await app.database.run((m) => writeOutboxEvent(m, 'evidence', tenantId, 'evidence.processed', processed(newId())), tenantId);
    let rolledBackId = '';
    await expect(
      app.database.run(async (m) => {
        // Written at once (writeOutboxEvent would hold it back until the commit): the row is in the
        // transaction when it rolls back.
        rolledBackId = newId();
        await m.query(`insert into evidence.outbox (tenant_id, id, type, payload, created_at) values ($1, $2, 'evidence.failed', $3, now())`, [
          tenantId,
          rolledBackId,
          JSON.stringify({
            id: rolledBackId,
            type: 'evidence.failed',
            tenantId,
            timestamp: new Date(0).toISOString(),
            data: { ...processed(newId()), status: 'failed' },
          }),
        ]);
        throw new Error('the change failed after the event was written');
      }, tenantId),
    ).rejects.toThrow('the change failed');

    // The evidence service's own relay may win the race; either way the job appears once, keyed by the event id.
    await relay.relayOnce();
    const queue = registry.queue(QueueName.Events);
    let job = await queue.getJob(committed.id);
    for (let i = 0; !job && i < 50; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      job = await queue.getJob(committed.id);
    }
    expect(job?.name).toBe(JobName.EventDispatch);
    expect(job?.data).toEqual({ tenantId, event: committed });
    expect(await queue.getJob(rolledBackId)).toBeUndefined();

    const rows = await owner.query(`select id, published_at from evidence.outbox where tenant_id = $1`, [tenantId]);
    expect(rows).toHaveLength(1);
    expect(rows[0].id).toBe(committed.id);
    expect(rows[0].published_at).not.toBeNull();
  });

  it('does not enqueue a published event twice', async () => {
    const event = await app.database.run(
      (m) =>
        writeOutboxEvent(m, 'evidence', tenantId, 'evidence.expired', {
          evidenceId: newId(),
          supplierId: newId(),
          kind: 'certificate',
          validUntil: new Date().toISOString(),
        }),
      tenantId,
    );
    await relay.relayOnce();
    await relay.relayOnce();
    const queue = registry.queue(QueueName.Events);
    const find = async () =>
      (await queue.getJobs(['waiting', 'active', 'completed', 'delayed', 'failed'], 0, 10_000)).filter(
        (job) => job.name === JobName.EventDispatch && job.data?.event?.id === event.id,
      );
    let jobs = await find();
    for (let i = 0; jobs.length === 0 && i < 50; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      jobs = await find();
    }
    await relay.relayOnce();
    expect(await find()).toHaveLength(1);
  });
});
