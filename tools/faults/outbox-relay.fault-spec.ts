import { newId } from '@assay/shared/database';
import { waitUntilReady } from '@assay/shared/local-infra';
import { waitFor } from '@assay/shared/testing';
import { Client } from 'pg';
import { FaultStack, ReceivedWebhook, startFaultStack } from './fault-stack';

/** Whether anything still answers at a service's address. */
async function answers(url: string): Promise<boolean> {
  try {
    await fetch(`${url}/health/live`, { signal: AbortSignal.timeout(1_000) });
    return true;
  } catch {
    return false;
  }
}

/**
 * Events the worker writes to a service's outbox (an evidence expiry, a reminder) are relayed by the
 * worker itself: with every HTTP replica of that service down they still reach the events queue and
 * are delivered, and the service comes back as before.
 */
describe('worker-written events while every HTTP replica of their service is down', () => {
  let faults: FaultStack;
  let owner: Client;
  let tenantId: string;
  let token: string;
  let supplierId: string;

  const count = async (sql: string, params: unknown[] = []): Promise<number> => Number((await owner.query(sql, params)).rows[0]?.count ?? 0);
  const webhooks = (type: string, match: (data: Record<string, unknown>) => boolean): ReceivedWebhook[] =>
    faults.receiver.received.filter((hook) => hook.type === type && match(hook.data));

  /** Stops every replica of the service (SIGKILL) and checks that nothing answers at its address any more. */
  async function killService(service: 'evidence' | 'notifications'): Promise<void> {
    await faults.stack.supervisor.stop(service, 5_000, 'SIGKILL');
    expect(faults.stack.supervisor.get(service)).toBeUndefined();
    expect(await answers(faults.stack.serviceUrls[service] as string)).toBe(false);
  }

  async function restartService(service: 'evidence' | 'notifications'): Promise<void> {
    faults.startProcess(service);
    await waitUntilReady({ [service]: faults.stack.serviceUrls[service] as string }, 120_000);
  }

  beforeAll(async () => {
    faults = await startFaultStack();
    owner = new Client({ connectionString: faults.env['DATABASE_MIGRATION_URL'] });
    owner.on('error', () => undefined);
    await owner.connect();
    ({ accessToken: token, tenantId } = await faults.signup());
    const endpoint = await faults.api('/api/v1/webhook-endpoints', {
      token,
      json: { url: faults.receiver.url, events: ['evidence.expired', 'reminder.sent'] },
    });
    expect(endpoint.status).toBe(201);
    const supplier = await faults.api('/api/v1/suppliers', { token, json: { name: 'Outbox Supplies', tier: 'critical', role: 'developer_distributor' } });
    expect(supplier.status).toBe(201);
    supplierId = supplier.body.id;
    await waitFor(async () => (await count(`select count(*) from evidence.suppliers where id = $1`, [supplierId])) === 1, 'the supplier projection', 60_000);
    await waitFor(async () => (await count(`select count(*) from notifications.tenants where id = $1`, [tenantId])) === 1, 'the tenant projection', 60_000);
  }, 300_000);

  afterAll(async () => {
    await owner?.end();
    await faults?.stop();
  }, 120_000);

  it('delivers an evidence expiry the worker announced while the evidence service was down', async () => {
    await killService('evidence');
    // Evidence that expired yesterday: the worker's expiry tick announces it into the evidence outbox.
    const evidenceId = newId();
    await owner.query(
      `insert into evidence.evidence (tenant_id, id, supplier_id, kind, status, source, filename, valid_until, processed_at)
       values ($1, $2, $3, 'certificate', 'processed', 'upload', 'expired.pem', now() - interval '1 day', now() - interval '2 days')`,
      [tenantId, evidenceId, supplierId],
    );

    const [delivered] = await waitFor(
      async () => {
        const found = webhooks('evidence.expired', (data) => data['evidenceId'] === evidenceId);
        return found.length > 0 && found;
      },
      'the evidence.expired webhook',
      60_000,
    );
    expect(delivered?.data).toMatchObject({ evidenceId, supplierId, supplierName: 'Outbox Supplies', kind: 'certificate' });
    // Relayed by the worker: no evidence replica was up at any time since the kill.
    expect(faults.stack.supervisor.get('evidence')).toBeUndefined();
    expect(await count(`select count(*) from evidence.outbox where tenant_id = $1 and type = 'evidence.expired' and published_at is null`, [tenantId])).toBe(0);

    await restartService('evidence');
    const read = await faults.api(`/api/v1/evidence/${evidenceId}`, { token });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: evidenceId, status: 'processed' });
    // One event, however many relays ran (each webhook delivery carries the event id).
    expect(new Set(webhooks('evidence.expired', (data) => data['evidenceId'] === evidenceId).map((hook) => hook.eventId)).size).toBe(1);
  }, 300_000);

  it('delivers a reminder the worker sent while the notifications service was down', async () => {
    await killService('notifications');
    // An open assessment due in two days whose reminder is due now: the worker's reminders tick sends it
    // and writes `reminder.sent` to the notifications outbox.
    const assessmentId = newId();
    await owner.query(
      `insert into notifications.reminder_schedules (tenant_id, id, supplier_id, supplier_name, product_name, due_at, opened_at, recipients,
         assessment_status, open, next_reminder_at, event_at)
       values ($1, $2, $3, 'Outbox Supplies', null, now() + interval '2 days', now() - interval '30 days',
         jsonb_build_array(jsonb_build_object('contactId', gen_random_uuid(), 'name', 'Rita Reminder', 'email', 'rita@outbox.example',
           'isSeniorResponsibleOwner', false)),
         'sent', true, now(), now() - interval '30 days')`,
      [tenantId, assessmentId, supplierId],
    );

    await waitFor(async () => webhooks('reminder.sent', (data) => data['assessmentId'] === assessmentId).length > 0, 'the reminder.sent webhook', 60_000);
    expect(faults.stack.supervisor.get('notifications')).toBeUndefined();
    expect(await count(`select count(*) from notifications.outbox where tenant_id = $1 and published_at is null`, [tenantId])).toBe(0);

    await restartService('notifications');
    const reminders = await faults.api(`/api/v1/reminders?assessmentId=${assessmentId}`, { token });
    expect(reminders.status).toBe(200);
    expect(reminders.body.data).toHaveLength(1);
    expect(reminders.body.data[0]).toMatchObject({ assessmentId, recipients: [expect.objectContaining({ email: 'rita@outbox.example' })] });
    expect(new Set(webhooks('reminder.sent', (data) => data['assessmentId'] === assessmentId).map((hook) => hook.eventId)).size).toBe(1);
    // Only the services this scenario stopped went away.
    expect(faults.exits.map((exit) => exit.name).sort()).toEqual(['evidence', 'notifications']);
  }, 300_000);
});
