import { waitFor } from '@assay/shared/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ChildProcess } from 'node:child_process';
import { sleep, useFaultScenario } from './fault-stack';

const KILLS = Number(process.env['FAULT_KILLS'] ?? 6);
const ADVISORIES_PER_ROUND = 30;
const SUPPLIERS_BEFORE = 6;
const LOG4SHELL = JSON.parse(readFileSync(join(__dirname, '../../libs/evidence/src/advisories/__fixtures__/GHSA-jfh8-c2jp-5v3q.osv.json'), 'utf8'));
const SBOM = readFileSync(join(__dirname, '../../apps/evidence/src/fixtures/cyclonedx.json'));

/**
 * kill -9 of the worker while it matches advisories against stored SBOMs (each round submits
 * advisories naming log4j-core while no worker runs, plus one SBOM of a supplier not seen yet, starts
 * the worker, waits until it has read some, kills it). Afterwards one worker finishes: every
 * advisory has one exposure per SBOM, and each advisory announced each supplier in exactly one
 * `advisory.matched`.
 */
describe('the worker killed with SIGKILL while matching advisories', () => {
  const scenario = useFaultScenario();

  it(`stores every exposure and announces each supplier once over ${KILLS} kills`, async () => {
    const { faults, owner, count } = scenario();
    const { accessToken: token, tenantId } = await faults.signup();
    const suppliers: string[] = [];
    for (let index = 0; index < SUPPLIERS_BEFORE + KILLS; index++) {
      const created = await faults.api('/api/v1/suppliers', { token, json: { name: `Shipper ${index}`, tier: 'high', role: 'developer_distributor' } });
      expect(created.status).toBe(201);
      suppliers.push(created.body.id);
    }
    await waitFor(
      async () => (await count(`select count(*) from evidence.suppliers where id = any($1::uuid[])`, [suppliers])) === suppliers.length,
      'the supplier projection',
      60_000,
    );
    const upload = async (supplierId: string) => {
      const form = new FormData();
      form.append('supplierId', supplierId);
      form.append('file', new Blob([new Uint8Array(SBOM)]), 'bom.json');
      const answer = await faults.api('/api/v1/evidence', { token, body: form });
      expect(answer.status).toBe(202);
      return answer.body.id as string;
    };
    const evidence: string[] = [];
    for (const supplierId of suppliers.slice(0, SUPPLIERS_BEFORE)) evidence.push(await upload(supplierId));
    await waitFor(
      async () => (await count(`select count(*) from evidence.evidence where id = any($1::uuid[]) and status = 'processed'`, [evidence])) === evidence.length,
      'the first SBOMs to be processed',
      120_000,
    );

    await faults.killHard(faults.stack.supervisor.get('worker') as ChildProcess);

    const imports: string[] = [];
    let midWork = 0;
    for (let round = 0; round < KILLS; round++) {
      const batch: string[] = [];
      for (let index = 0; index < ADVISORIES_PER_ROUND; index++) {
        const accepted = await faults.api('/api/v1/advisories', { token, json: { ...LOG4SHELL, id: `FAULT-${round}-${index}` } });
        expect(accepted.status).toBe(202);
        batch.push(accepted.body.id);
      }
      imports.push(...batch);
      evidence.push(await upload(suppliers[SUPPLIERS_BEFORE + round] as string));
      const worker = await faults.worker();
      await waitFor(
        async () => (await count(`select count(*) from evidence.advisory_imports where id = any($1::uuid[]) and status = 'processed'`, [batch])) > 0,
        'the worker to read advisories',
        60_000,
      );
      await sleep(Math.floor(Math.random() * 50));
      const doneAtKill = await count(`select count(*) from evidence.advisory_imports where id = any($1::uuid[]) and status = 'processed'`, [imports]);
      await faults.killHard(worker);
      if (doneAtKill < imports.length) midWork += 1;
    }
    process.stdout.write(`${KILLS} kills, ${midWork} with advisories still to read\n`);
    expect(midWork).toBeGreaterThan(0);

    faults.startProcess('worker');
    const advisories = KILLS * ADVISORIES_PER_ROUND;
    await waitFor(
      async () =>
        (await count(`select count(*) from evidence.advisory_imports where id = any($1::uuid[]) and status = 'processed'`, [imports])) === imports.length &&
        (await count(`select count(*) from evidence.evidence where id = any($1::uuid[]) and status = 'processed'`, [evidence])) === evidence.length &&
        (await count(`select count(*) from evidence.advisory_exposures where tenant_id = $1`, [tenantId])) === advisories * evidence.length,
      'every advisory read and matched against every SBOM',
      240_000,
    );

    const exposures = await owner.query(
      `select advisory_id, count(*)::int as count, count(distinct supplier_id)::int as suppliers from evidence.advisory_exposures
        where tenant_id = $1 and status = 'affected' group by advisory_id`,
      [tenantId],
    );
    expect(exposures.rows).toHaveLength(advisories);
    expect(exposures.rows.every((row) => row.count === evidence.length && row.suppliers === suppliers.length)).toBe(true);

    const announced = await owner.query(
      `select payload->'data'->>'advisoryId' as advisory_id, s.supplier_id, count(*)::int as count
         from evidence.outbox o, jsonb_array_elements_text(o.payload->'data'->'supplierIds') as s(supplier_id)
        where o.tenant_id = $1 and o.type = 'advisory.matched' group by 1, 2`,
      [tenantId],
    );
    expect(announced.rows).toHaveLength(advisories * suppliers.length);
    expect(announced.rows.filter((row) => row.count !== 1)).toEqual([]);

    // Only the worker died, and only when killed.
    expect(faults.exits.filter((exit) => exit.name !== 'worker')).toEqual([]);
    expect(faults.exits.filter((exit) => exit.name === 'worker')).toHaveLength(KILLS + 1);
  });
});
