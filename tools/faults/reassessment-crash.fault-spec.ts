import { waitFor } from '@assay/shared/testing';
import type { Client } from 'pg';
import { FaultStack, killableWorker, sleep, useFaultStackWithOwner } from './fault-stack';

const KILLS = Number(process.env['FAULT_KILLS'] ?? 8);
const SUPPLIERS_PER_ROUND = 12;
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

/**
 * kill -9 of the worker while it opens and auto-sends scheduled cycles (each round registers
 * suppliers whose `nextAssessmentDueAt` falls inside the lead window while no worker runs, starts the
 * worker, waits until it has opened some, kills it). Afterwards one worker finishes: every supplier has
 * exactly one assessment, sent once, with one `reassessment.due`, one `assessment.sent` and one
 * portal link; a cycle opened by a run that died before sending is sent by the retry.
 */
describe('the worker killed with SIGKILL while opening scheduled cycles', () => {
  const fault = useFaultStackWithOwner();
  const count = fault.count;
  let faults: FaultStack;
  let owner: Client;
  beforeAll(() => {
    [faults, owner] = [fault.stack(), fault.owner()];
  });

  it(`opens and sends each cycle exactly once over ${KILLS} kills`, async () => {
    const { accessToken: token, tenantId } = await faults.signup();
    expect((await faults.api('/api/v1/tenant', { method: 'PATCH', token, json: { settings: { autoSendReassessments: true } } })).status).toBe(200);
    await waitFor(
      async () =>
        (await count(`select count(*) from assessments.tenants where tenant_id = $1 and (settings->>'autoSendReassessments')::boolean`, [tenantId])) === 1,
      'the tenant settings to reach the assessments service',
      60_000,
    );

    const worker = killableWorker(faults);
    await worker.kill();

    const suppliers: string[] = [];
    let midWork = 0;
    for (let round = 0; round < KILLS; round++) {
      const batch: string[] = [];
      for (let index = 0; index < SUPPLIERS_PER_ROUND; index++) {
        const created = await faults.api('/api/v1/suppliers', {
          token,
          json: { name: `Cycle ${round}-${index}`, tier: 'high', role: 'reseller', nextAssessmentDueAt: inDays(5) },
        });
        expect(created.status).toBe(201);
        const contact = await faults.api(`/api/v1/suppliers/${created.body.id}/contacts`, {
          token,
          json: { name: 'Casey Cycle', email: `cycle-${round}-${index}@supplier.test` },
        });
        expect(contact.status).toBe(201);
        batch.push(created.body.id);
      }
      suppliers.push(...batch);
      await worker.start();
      await waitFor(
        async () => (await count(`select count(*) from assessments.assessments where supplier_id = any($1::uuid[])`, [batch])) > 0,
        'the worker to open cycles',
        60_000,
      );
      await sleep(Math.floor(Math.random() * 300));
      const sentAtKill = await count(`select count(*) from assessments.assessments where supplier_id = any($1::uuid[]) and status = 'sent'`, [suppliers]);
      await worker.kill();
      if (sentAtKill < suppliers.length) midWork += 1;
    }
    process.stdout.write(`${KILLS} kills, ${midWork} with cycles still to open or send\n`);
    expect(midWork).toBeGreaterThan(0);

    faults.startProcess('worker');
    await waitFor(
      async () =>
        (await count(`select count(*) from assessments.assessments where supplier_id = any($1::uuid[]) and status = 'sent'`, [suppliers])) === suppliers.length,
      'every cycle to be opened and sent',
      240_000,
    );

    const perSupplier = await owner.query(
      `select supplier_id, count(*)::int as count, min(opened_by) as opened_by from assessments.assessments where supplier_id = any($1::uuid[]) group by supplier_id`,
      [suppliers],
    );
    expect(perSupplier.rows).toHaveLength(suppliers.length);
    expect(perSupplier.rows.every((row) => row.count === 1 && row.opened_by === 'schedule')).toBe(true);
    for (const type of ['assessment.created', 'reassessment.due', 'assessment.sent']) {
      const events = await owner.query(
        `select payload->'data'->>'supplierId' as supplier_id, count(*)::int as count from assessments.outbox
         where tenant_id = $1 and type = $2 group by 1`,
        [tenantId, type],
      );
      expect({ type, suppliers: events.rows.length, once: events.rows.every((row) => row.count === 1) }).toEqual({
        type,
        suppliers: suppliers.length,
        once: true,
      });
    }
    const tokens = await owner.query(
      `select a.supplier_id, count(t.*)::int as count from assessments.assessments a join assessments.portal_tokens t on t.tenant_id = a.tenant_id and t.assessment_id = a.id
       where a.supplier_id = any($1::uuid[]) group by a.supplier_id`,
      [suppliers],
    );
    expect(tokens.rows).toHaveLength(suppliers.length);
    expect(tokens.rows.every((row) => row.count === 1)).toBe(true);

    // Only the worker died, and only when killed.
    expect(faults.exits.filter((exit) => exit.name !== 'worker')).toEqual([]);
    expect(faults.exits.filter((exit) => exit.name === 'worker')).toHaveLength(KILLS + 1);
  });
});
