import { JobName, QueueName } from '@assay/shared/contracts';
import { QueueRegistry } from '@assay/shared/queue';
import { ownerDataSourceForFile, stackConfig, startExtraWorker } from '@assay/shared/testing';
import { createContact, createSupplier, organisation, waitFor } from './assessments-test-kit';

const owner = ownerDataSourceForFile();

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sets a supplier's next due date as completing its last assessment would have. */
async function dueIn(supplierId: string, days: number): Promise<Date> {
  await owner.query(`update assessments.suppliers set next_assessment_due_at = date_trunc('milliseconds', now()) + make_interval(days => $2) where id = $1`, [
    supplierId,
    days,
  ]);
  const [row] = await owner.query(`select next_assessment_due_at from assessments.suppliers where id = $1`, [supplierId]);
  return row.next_assessment_due_at as Date;
}

const cycles = (supplierId: string) =>
  owner.query(`select id, status, due_at, cycle_due_at from assessments.assessments where supplier_id = $1 and cycle_due_at is not null`, [supplierId]);

describe('scheduled reassessment (real worker ticks)', () => {
  it('opens the next assessment once, lead days before it is due, and sends it when the tenant auto-sends', async () => {
    const org = await organisation();
    expect((await org.call('PATCH', '/api/v1/tenant', { settings: { autoSendReassessments: true, reassessmentLeadDays: 20 } })).status).toBe(200);
    await waitFor(async () => {
      const [row] = await owner.query(`select settings from assessments.tenants where tenant_id = $1`, [org.tenantId]);
      return row?.settings?.autoSendReassessments === true;
    }, 'the tenant settings to reach the assessments service');
    const soon = await createSupplier(org, { role: 'reseller' });
    const contact = await createContact(org, soon.id, { isSeniorResponsibleOwner: true });
    const later = await createSupplier(org, { role: 'reseller' });
    const dueAt = await dueIn(soon.id, 10);
    await dueIn(later.id, 25);

    const [opened] = await waitFor(async () => {
      const rows = await cycles(soon.id);
      return rows.length > 0 && rows[0].status === 'sent' ? rows : null;
    }, 'the reassessment to be opened and sent');
    expect(new Date(opened.due_at).getTime()).toBe(dueAt.getTime());
    expect(new Date(opened.cycle_due_at).getTime()).toBe(dueAt.getTime());
    await pause(1_500);
    expect(await cycles(soon.id)).toHaveLength(1);
    expect(await cycles(later.id)).toHaveLength(0);

    const events = await owner.query(
      `select type, payload from assessments.outbox where tenant_id = $1 and payload->'data'->>'assessmentId' = $2 order by created_at, id`,
      [org.tenantId, opened.id],
    );
    expect(events.map((event: { type: string }) => event.type)).toEqual(['assessment.created', 'reassessment.due', 'assessment.sent']);
    expect(events[1].payload.data).toMatchObject({ supplierId: soon.id, supplierName: soon.name, dueAt: dueAt.toISOString(), reason: 'schedule' });
    expect((await org.call('GET', `/api/v1/assessments/${opened.id}`)).body).toMatchObject({ openedBy: 'schedule' });
    expect(events[2].payload.data.recipients).toMatchObject([{ contactId: contact.id, portalUrl: expect.stringMatching(/^sealed:v1\./) }]);
  });

  it('catches up after a week of downtime with a draft when the tenant does not auto-send', async () => {
    const org = await organisation();
    const supplier = await createSupplier(org, { role: 'developer_only' });
    const overdue = await dueIn(supplier.id, -7);
    const [opened] = await waitFor(async () => {
      const rows = await cycles(supplier.id);
      return rows.length > 0 ? rows : null;
    }, 'the missed reassessment to be opened');
    expect(opened.status).toBe('draft');
    expect(new Date(opened.due_at).getTime()).toBe(overdue.getTime());
    await pause(1_000);
    expect(await cycles(supplier.id)).toHaveLength(1);
    const listed = await org.call('GET', `/api/v1/assessments?supplierId=${supplier.id}`);
    expect(listed.body.data).toMatchObject([{ id: opened.id, status: 'draft' }]);
  });

  it('opens exactly one assessment per cycle when several jobs for the tenant run at once', async () => {
    const org = await organisation();
    const supplier = await createSupplier(org, { role: 'reseller' });
    const registry = new QueueRegistry(stackConfig('worker'));
    const queue = registry.queue(QueueName.Scheduler);
    try {
      await dueIn(supplier.id, 5);
      await queue.addBulk(
        Array.from({ length: 6 }, (_, index) => ({
          name: JobName.ReassessmentOpen,
          data: { tenantId: org.tenantId },
          opts: { jobId: `concurrent_${org.tenantId}_${index}` },
        })),
      );
      await waitFor(async () => (await cycles(supplier.id)).length > 0, 'the reassessment to be opened');
      await pause(1_000);
      expect(await cycles(supplier.id)).toHaveLength(1);
      const due = await owner.query(`select count(*)::int as n from assessments.outbox where tenant_id = $1 and type = 'reassessment.due'`, [org.tenantId]);
      expect(due[0].n).toBe(1);
    } finally {
      await registry.onApplicationShutdown();
    }
  });

  describe('with a second worker process', () => {
    let second: { stop(): Promise<void> };

    beforeAll(async () => {
      second = await startExtraWorker();
    });
    afterAll(async () => {
      await second.stop();
    });

    it('two workers ticking at once open exactly one assessment per supplier and cycle', async () => {
      const org = await organisation();
      const suppliers = [];
      for (let i = 0; i < 8; i++) suppliers.push(await createSupplier(org, { role: 'reseller' }));
      const registry = new QueueRegistry(stackConfig('worker'));
      const queue = registry.queue(QueueName.Scheduler);
      try {
        await Promise.all(suppliers.map((supplier) => dueIn(supplier.id, 5)));
        // Beyond the scheduled ticks, extra per-tenant jobs land on both workers at the same moment.
        await queue.addBulk(
          Array.from({ length: 8 }, (_, index) => ({
            name: JobName.ReassessmentOpen,
            data: { tenantId: org.tenantId },
            opts: { jobId: `two-workers_${org.tenantId}_${index}` },
          })),
        );
        for (const supplier of suppliers) await waitFor(async () => (await cycles(supplier.id)).length > 0, `the reassessment of ${supplier.name}`);
        await pause(1_500);
        for (const supplier of suppliers) expect(await cycles(supplier.id)).toHaveLength(1);
        const due = await owner.query(`select count(*)::int as n from assessments.outbox where tenant_id = $1 and type = 'reassessment.due'`, [org.tenantId]);
        expect(due[0].n).toBe(suppliers.length);
      } finally {
        await registry.onApplicationShutdown();
      }
    });
  });
});
