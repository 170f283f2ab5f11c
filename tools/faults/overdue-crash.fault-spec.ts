import { mailSubject, waitFor } from '@assay/shared/testing';
import { sleep, useFaultScenario } from './fault-stack';

const KILLS = Number(process.env['FAULT_KILLS'] ?? 10);
const LAPSES_PER_ROUND = 15;
const MOVES_PER_ROUND = 6;

/**
 * kill -9 of the worker while it announces lapsed assessments (`assessment.overdue`): each round lets
 * a batch of sent assessments lapse, starts the worker and kills it at a random moment. Afterwards one
 * worker finishes: every lapse announced, none twice (the notice and its event commit together).
 * Then the same for moved due dates: each round moves a batch, the worker re-plans their reminders and
 * emails the supplier, and is killed at a random moment; afterwards every schedule is on its new date
 * and every move was emailed once (repeats at the SMTP server only with the same Message-ID).
 */
describe('the worker killed with SIGKILL while announcing overdue assessments and re-planning moved due dates', () => {
  const scenario = useFaultScenario();

  it(`announces every lapse exactly once over ${KILLS} kills`, async () => {
    const { faults, owner, count } = scenario();
    const { accessToken: token, tenantId } = await faults.signup();
    expect((await faults.api('/api/v1/webhook-endpoints', { token, json: { url: faults.receiver.url, events: ['assessment.overdue'] } })).status).toBe(201);
    const supplier = await faults.api('/api/v1/suppliers', { token, json: { name: 'Late Supplies', tier: 'high', role: 'reseller' } });
    expect(supplier.status).toBe(201);
    const contact = await faults.api(`/api/v1/suppliers/${supplier.body.id}/contacts`, { token, json: { name: 'Lee Late', email: 'lee@late.example' } });
    expect(contact.status).toBe(201);
    const ids: string[] = [];
    for (let n = 0; n < KILLS * LAPSES_PER_ROUND; n++) {
      const created = await faults.api('/api/v1/assessments', {
        token,
        json: { supplierId: supplier.body.id, dueAt: new Date(Date.now() + 30 * 86_400_000).toISOString() },
      });
      expect(created.status).toBe(201);
      expect((await faults.api(`/api/v1/assessments/${created.body.id}/send`, { token, json: {} })).status).toBe(200);
      ids.push(created.body.id);
    }

    const started = Date.now();
    for (let round = 0; round < KILLS; round++) {
      // A batch lapses behind the API's back (a day ago), as if the clock had passed its due date.
      const batch = ids.slice(round * LAPSES_PER_ROUND, (round + 1) * LAPSES_PER_ROUND);
      await owner.query(`update assessments.assessments set due_at = now() - interval '1 day' where id = any($1::uuid[])`, [batch]);
      const worker = await faults.worker(round === 0);
      await sleep(Math.floor(Math.random() * 1_500));
      await faults.killHard(worker);
    }
    process.stdout.write(`${KILLS} kills in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);

    faults.startProcess('worker');
    await waitFor(
      async () => (await count(`select count(*) from assessments.overdue_notices where tenant_id = $1`, [tenantId])) === ids.length,
      'every lapse announced',
      180_000,
    );
    const events = await owner.query(
      `select payload->'data'->>'assessmentId' as id, count(*)::int as count from assessments.outbox where type = 'assessment.overdue' and tenant_id = $1 group by 1`,
      [tenantId],
    );
    expect(events.rows).toHaveLength(ids.length);
    expect(events.rows.every((row) => row.count === 1)).toBe(true);
    // At the receiver: every event, repeats (at-least-once delivery) only with the same id.
    await waitFor(
      async () => new Set(faults.receiver.received.filter((hook) => hook.type === 'assessment.overdue').map((hook) => hook.eventId)).size === ids.length,
      'every assessment.overdue at the webhook receiver',
      180_000,
    );
    const announced = new Set(faults.receiver.received.filter((hook) => hook.type === 'assessment.overdue').map((hook) => hook.data.assessmentId as string));
    expect(announced.size).toBe(ids.length);
  });

  it(`re-plans every moved due date and emails each move once over ${KILLS} kills`, async () => {
    const { faults, owner, count } = scenario();
    const { accessToken: token, tenantId } = await faults.signup();
    const supplier = await faults.api('/api/v1/suppliers', { token, json: { name: 'Moving Supplies', tier: 'high', role: 'reseller' } });
    const email = `mo-${Math.random().toString(36).slice(2, 8)}@moving.example`;
    expect((await faults.api(`/api/v1/suppliers/${supplier.body.id}/contacts`, { token, json: { name: 'Mo Moving', email } })).status).toBe(201);
    const ids: string[] = [];
    for (let n = 0; n < KILLS * MOVES_PER_ROUND; n++) {
      const created = await faults.api('/api/v1/assessments', {
        token,
        json: { supplierId: supplier.body.id, dueAt: new Date(Date.now() + 30 * 86_400_000).toISOString() },
      });
      expect((await faults.api(`/api/v1/assessments/${created.body.id}/send`, { token, json: {} })).status).toBe(200);
      ids.push(created.body.id);
    }
    const schedules = `select count(*) from notifications.reminder_schedules where tenant_id = $1`;
    await waitFor(async () => (await count(schedules, [tenantId])) === ids.length, 'every reminder schedule', 180_000);

    const movedTo = new Map<string, string>();
    const started = Date.now();
    for (let round = 0; round < KILLS; round++) {
      // The batch moves while the worker is down (after the first round), so the kill lands while it catches up.
      for (const [index, id] of ids.slice(round * MOVES_PER_ROUND, (round + 1) * MOVES_PER_ROUND).entries()) {
        const dueAt = new Date(Date.now() + (60 + round * MOVES_PER_ROUND + index) * 86_400_000).toISOString();
        expect((await faults.api(`/api/v1/assessments/${id}`, { method: 'PATCH', token, json: { dueAt, reason: 'Moved for the audit' } })).status).toBe(200);
        movedTo.set(id, dueAt);
      }
      const worker = await faults.worker(round === 0);
      await sleep(Math.floor(Math.random() * 1_500));
      await faults.killHard(worker);
    }
    process.stdout.write(`${KILLS} kills while re-planning in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);

    faults.startProcess('worker');
    await waitFor(
      async () => {
        const { rows } = await owner.query(`select id, due_at from notifications.reminder_schedules where tenant_id = $1`, [tenantId]);
        return rows.every((row) => new Date(row.due_at).toISOString() === movedTo.get(row.id));
      },
      'every reminder schedule on its new date',
      180_000,
    );
    const emails = `select count(*) from notifications.emails where tenant_id = $1 and template = 'assessment_due_date_changed'`;
    await waitFor(async () => (await count(`${emails} and status = 'sent'`, [tenantId])) === ids.length, 'one email per move, sent', 180_000);
    expect(await count(emails, [tenantId])).toBe(ids.length);
    const messageIds = faults
      .mail()
      .filter((message) => message.to.includes(email) && mailSubject(message.raw).includes('New due date'))
      .map((message) => /^message-id:\s*(\S+)/im.exec(message.raw)?.[1]);
    expect(new Set(messageIds).size).toBe(ids.length);
    expect(messageIds.every(Boolean)).toBe(true);
  });
});
