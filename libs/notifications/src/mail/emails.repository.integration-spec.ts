import { Clock } from '@assay/shared/clock';
import { TenantDatabase, newId } from '@assay/shared/database';
import { appDatabase, ownerDataSourceForFile, stackConfig } from '@assay/shared/testing';
import { LinkSealer } from '../support/link-sealer';
import { EmailsRepository } from './emails.repository';

const DAY = 86_400_000;
const LEASE_MS = 60_000;

/**
 * A send attempt's lease runs on the database's clock: business time moved on by days (as a test
 * stack moves it, or a corrected clock jumps) must not make an email still being sent look abandoned,
 * or it is claimed and sent a second time.
 */
describe('email send leases', () => {
  const owner = ownerDataSourceForFile();
  let app: Awaited<ReturnType<typeof appDatabase>>;
  const config = stackConfig('worker');
  const emails = new EmailsRepository(new LinkSealer(config));
  const at = (offsetMs: number) => {
    const clock = new Clock();
    clock.setOffset(offsetMs);
    return new TenantDatabase(app.dataSource, config.database.systemRole, clock);
  };

  beforeAll(async () => {
    app = await appDatabase();
  });
  afterAll(async () => {
    await app.dataSource.destroy();
  });

  /** Queues an email and claims it in one transaction, so the stack's own sweep never sees it queued. */
  async function claimedEmail(tenantId: string) {
    const id = newId();
    const claimed = await at(0).run(async (manager) => {
      await manager.query(
        `insert into notifications.emails (tenant_id, id, template, to_address, to_name, params, status, dedupe_key)
         values ($1, $2, 'finding_created', 'lease@supplier.example', 'Sam', '{}', 'queued', $3)`,
        [tenantId, id, `test:${id}`],
      );
      return emails.claim(manager, tenantId, [id], LEASE_MS);
    }, tenantId);
    return { id, claimed };
  }

  it('keeps a claim however far business time moves, and frees it once the lease has run out', async () => {
    const tenantId = newId();
    const { id, claimed } = await claimedEmail(tenantId);
    expect(claimed.map((email) => [email.id, email.attempts])).toEqual([[id, 1]]);

    // Two days of business time later, the send is still in progress on the machine's clock.
    const later = at(2 * DAY);
    expect(await later.run((manager) => emails.claim(manager, tenantId, [id], LEASE_MS), tenantId)).toEqual([]);
    const stranded = await later.runAsSystem((manager) => emails.stranded(manager, 1_000, LEASE_MS, 10_000));
    expect(stranded.map((row) => row.id)).not.toContain(id);

    // The worker died: once its lease has run out, the sweep finds the email and the next attempt
    // claims it. The lease runs out inside one transaction with the sweep and the claim, so the stack's
    // own notifications worker, sweeping the same table, never sees this email lapsed.
    const runner = owner.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      await runner.query(`update notifications.emails set claimed_until = clock_timestamp() - interval '1 second' where tenant_id = $1 and id = $2`, [
        tenantId,
        id,
      ]);
      await runner.query(`select set_config('app.now', $1, true)`, [new Date().toISOString()]);
      const lapsed = await emails.stranded(runner.manager, 1_000, LEASE_MS, 10_000);
      expect(lapsed.map((row) => row.id)).toContain(id);
      const reclaimed = await emails.claim(runner.manager, tenantId, [id], LEASE_MS);
      expect(reclaimed.map((email) => [email.id, email.attempts])).toEqual([[id, 2]]);
      await runner.commitTransaction();
    } finally {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      await runner.release();
    }

    await at(0).run((manager) => emails.finish(manager, tenantId, [{ id, status: 'sent', messageId: '<lease@assay.test>' }]), tenantId);
    const [row] = await owner.query(`select status, claimed_until from notifications.emails where tenant_id = $1 and id = $2`, [tenantId, id]);
    expect(row).toEqual({ status: 'sent', claimed_until: null });
  });
});
