import { cycloneDxSbom, waitFor } from '@assay/shared/testing';
import { sleep, useFaultScenario } from './fault-stack';

const KILLS = Number(process.env['FAULT_KILLS'] ?? 20);
const COMPONENTS = 30_000;
const SCHEDULES_PER_ROUND = 40;

/**
 * kill -9 of the worker, again and again, while it ingests big SBOMs and dispatches reminders (each
 * round adds an SBOM and a batch of due reminders, starts the worker, waits until it is working,
 * kills it). Afterwards one worker finishes: nothing may be lost and no side effect doubled.
 */
describe('the worker killed with SIGKILL mid-work', () => {
  const scenario = useFaultScenario();

  it(`loses no job and doubles no side effect over ${KILLS} kills during ingestion and reminder dispatch`, async () => {
    const { faults, owner, count } = scenario();
    const { accessToken: token, tenantId } = await faults.signup();
    const endpoint = await faults.api('/api/v1/webhook-endpoints', {
      token,
      json: { url: faults.receiver.url, events: ['evidence.processed', 'reminder.sent'] },
    });
    expect(endpoint.status).toBe(201);
    const supplier = await faults.api('/api/v1/suppliers', { token, json: { name: 'Crash Test Supplies', tier: 'critical', role: 'developer_distributor' } });
    expect(supplier.status).toBe(201);
    await waitFor(
      async () => (await count(`select count(*) from evidence.suppliers where id = $1`, [supplier.body.id])) === 1,
      'the supplier projection',
      60_000,
    );
    await waitFor(async () => (await count(`select count(*) from notifications.tenants where id = $1`, [tenantId])) === 1, 'the tenant projection', 60_000);

    // Reminder schedules of open assessments due in 2 days (one "before" reminder each), not due yet:
    // each round makes one batch due.
    await owner.query(
      `insert into notifications.reminder_schedules (tenant_id, id, supplier_id, supplier_name, product_name, due_at, opened_at, recipients,
         assessment_status, open, next_reminder_at, event_at)
       select $1, gen_random_uuid(), $2, 'Crash Test Supplies', 'Product ' || n, now() + interval '2 days', now() - interval '30 days',
         jsonb_build_array(jsonb_build_object('contactId', gen_random_uuid(), 'name', 'Contact ' || n, 'email', 'contact' || n || '@crash.example',
           'isSeniorResponsibleOwner', false, 'portalUrl', 'http://localhost/portal?token=assay_portal_' || md5(n::text))),
         'sent', true, null, now() - interval '30 days'
       from generate_series(1, $3) as n`,
      [tenantId, supplier.body.id, KILLS * SCHEDULES_PER_ROUND],
    );
    const schedules: string[] = (await owner.query(`select id from notifications.reminder_schedules where tenant_id = $1 order by id`, [tenantId])).rows.map(
      (row) => row.id,
    );

    const upload = async (round: number) => {
      const form = new FormData();
      form.append('supplierId', supplier.body.id);
      form.append('file', new Blob([new Uint8Array(cycloneDxSbom(COMPONENTS, `crash-app-${round}`))]), `sbom-${round}.json`);
      const answer = await faults.api('/api/v1/evidence', { token, body: form });
      expect(answer.status).toBe(202);
      return answer.body.id as string;
    };

    const snapshot = async () => ({
      processing: await count(`select count(*) from evidence.evidence where status = 'processing'`),
      dueSchedules: await count(`select count(*) from notifications.reminder_schedules where open and next_reminder_at <= now()`),
      emailsInFlight: await count(`select count(*) from notifications.emails where status in ('queued', 'sending', 'retrying')`),
    });

    const evidenceIds: string[] = [];
    let midIngestion = 0;
    let midDispatch = 0;
    const started = Date.now();
    for (let round = 0; round < KILLS; round++) {
      const batch = schedules.slice(round * SCHEDULES_PER_ROUND, (round + 1) * SCHEDULES_PER_ROUND);
      await owner.query(`update notifications.reminder_schedules set next_reminder_at = now() where id = any($1::uuid[])`, [batch]);
      evidenceIds.push(await upload(round));
      const worker = await faults.worker(round === 0);
      await waitFor(
        async () => {
          const now = await snapshot();
          return now.processing > 0 || now.emailsInFlight > 0;
        },
        'the worker to be at work',
        60_000,
      );
      await sleep(100 + Math.floor(Math.random() * 700));
      const atKill = await snapshot();
      await faults.killHard(worker);
      if (atKill.processing > 0) midIngestion += 1;
      if (atKill.dueSchedules > 0 || atKill.emailsInFlight > 0) midDispatch += 1;
    }
    process.stdout.write(`${KILLS} kills in ${((Date.now() - started) / 1000).toFixed(0)} s: ${midIngestion} mid-ingestion, ${midDispatch} mid-dispatch\n`);
    // Every kill landed while the worker was at work; these say which kind of work it was cut short in.
    expect(midIngestion).toBeGreaterThan(0);
    expect(midDispatch).toBeGreaterThan(0);

    // One last worker finishes the work.
    faults.startProcess('worker');
    await waitFor(
      async () => (await count(`select count(*) from evidence.evidence where id = any($1::uuid[]) and status = 'processed'`, [evidenceIds])) === KILLS,
      'every SBOM to be processed',
      240_000,
    );
    await waitFor(
      async () => (await count(`select count(*) from notifications.reminders where tenant_id = $1`, [tenantId])) === schedules.length,
      'every reminder',
      120_000,
    );
    await waitFor(
      async () =>
        (await count(`select count(*) from notifications.emails where tenant_id = $1 and reminder_id is not null and status = 'sent'`, [tenantId])) ===
        schedules.length,
      'every reminder email to be sent',
      120_000,
    );

    // Ingestion: every document's components exactly once.
    const components = await owner.query(
      `select evidence_id, count(*)::int as count from evidence.components where evidence_id = any($1::uuid[]) group by evidence_id`,
      [evidenceIds],
    );
    expect(components.rows).toHaveLength(KILLS);
    for (const row of components.rows) expect(row.count).toBe(COMPONENTS);

    // Reminders: one per schedule and step, one email each; at the SMTP server every email arrived,
    // and any repeat (a kill between the server's reply and the worker recording it) is the same message.
    const reminders = await owner.query(
      `select assessment_id, count(*)::int as count from notifications.reminders where tenant_id = $1 group by assessment_id`,
      [tenantId],
    );
    expect(reminders.rows).toHaveLength(schedules.length);
    expect(reminders.rows.every((row) => row.count === 1)).toBe(true);
    const emails: { id: string; message_id: string }[] = (
      await owner.query(`select id, message_id from notifications.emails where tenant_id = $1 and reminder_id is not null`, [tenantId])
    ).rows;
    expect(emails).toHaveLength(schedules.length);
    const messageIds = faults.mail().map((message) => /^message-id:\s*(\S+)/im.exec(message.raw.split(/\r?\n\r?\n/)[0] ?? '')?.[1] ?? '');
    const arrivals = new Map<string, number>();
    for (const id of messageIds) arrivals.set(id, (arrivals.get(id) ?? 0) + 1);
    expect(emails.filter((email) => !arrivals.has(email.message_id))).toEqual([]);
    const repeats = emails.reduce((sum, email) => sum + (arrivals.get(email.message_id) ?? 0) - 1, 0);
    process.stdout.write(`reminder emails: ${emails.length} distinct messages, ${repeats} repeated deliveries of the same Message-ID\n`);

    // Webhooks: every event of either kind arrived at the receiver; repeats carry the same webhook-id.
    let missing: string[] = [];
    await waitFor(
      async () => {
        const events = await owner.query(
          `select id from evidence.outbox where type = 'evidence.processed' and tenant_id = $1 union all select id from notifications.outbox where type = 'reminder.sent' and tenant_id = $1`,
          [tenantId],
        );
        const arrived = new Set(faults.receiver.received.map((delivery) => delivery.eventId));
        missing = events.rows.filter((row) => !arrived.has(row.id)).map((row) => row.id);
        return events.rows.length === KILLS + schedules.length && missing.length === 0;
      },
      'every event at the webhook receiver',
      180_000,
    ).catch(async (error: Error) => {
      const deliveries = await owner.query(
        `select status, attempts, count(*)::int from notifications.webhook_deliveries where event_id = any($1::uuid[]) group by 1, 2`,
        [missing],
      );
      throw new Error(`${error.message}: ${missing.length} missing, their deliveries ${JSON.stringify(deliveries.rows)}`);
    });
    const webhookIds = new Map<string, Set<string>>();
    for (const delivery of faults.receiver.received) webhookIds.set(delivery.eventId, (webhookIds.get(delivery.eventId) ?? new Set()).add(delivery.webhookId));
    expect([...webhookIds.values()].every((ids) => ids.size === 1)).toBe(true);
    process.stdout.write(`webhooks: ${webhookIds.size} events, ${faults.receiver.received.length - webhookIds.size} repeated deliveries (same webhook-id)\n`);

    // Only the worker died, and only when killed.
    expect(faults.exits.filter((exit) => exit.name !== 'worker')).toEqual([]);
    expect(faults.exits.filter((exit) => exit.name === 'worker')).toHaveLength(KILLS);
  });
});
