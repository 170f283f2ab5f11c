import { assertEventData } from '@assay/shared/contracts';
import { TenantDatabase, newId } from '@assay/shared/database';
import { appDatabase, ownerDataSourceForFile, stackConfig } from '@assay/shared/testing';
import type { EntityManager } from 'typeorm';
import { AdvisoryExposuresRepository, NewExposure } from './advisory-exposures.repository';

const LOG4J = 'pkg:maven/org.apache.logging.log4j/log4j-core';

/**
 * Matching's own statements against real Postgres, as the app role under row-level security: what an
 * advisory is matched against, and how a match's exposures replace the stored ones. A rematch that
 * finds what is stored must leave those rows untouched — not rewritten, not even locked.
 */
describe('advisory matching statements', () => {
  const owner = ownerDataSourceForFile();
  const repository = new AdvisoryExposuresRepository();
  let app: Awaited<ReturnType<typeof appDatabase>>;
  let database: TenantDatabase;

  beforeAll(async () => {
    app = await appDatabase();
    database = new TenantDatabase(app.dataSource, stackConfig('worker').database.systemRole);
  });
  afterAll(async () => {
    await app.dataSource.destroy();
  });

  /** A tenant with one supplier, `sboms` processed SBOMs shipping log4j-core at the given versions, one pending one, and one advisory naming the package. */
  async function seeded(versions: string[]) {
    const tenantId = newId();
    const supplierId = newId();
    const advisoryId = newId();
    await owner.query(`insert into evidence.suppliers (tenant_id, id, name, status, event_at) values ($1, $2, 'Supplier', 'active', now())`, [
      tenantId,
      supplierId,
    ]);
    const evidenceIds: string[] = [];
    for (const status of [...versions.map(() => 'processed'), 'pending']) {
      const id = newId();
      evidenceIds.push(id);
      await owner.query(
        `insert into evidence.evidence (tenant_id, id, supplier_id, kind, status, source, processed_at) values ($1, $2, $3, 'sbom', $4, 'upload', now())`,
        [tenantId, id, supplierId, status],
      );
    }
    for (const [index, version] of [...versions, '2.0.0'].entries()) {
      await owner.query(
        `insert into evidence.components (tenant_id, id, evidence_id, supplier_id, purl, purl_base, name, version, type, licences)
         values ($1, $2, $3, $4, $5, $6, 'log4j-core', $7, 'library', '{Apache-2.0}')`,
        [tenantId, newId(), evidenceIds[index], supplierId, `${LOG4J}@${version}`, LOG4J, version],
      );
    }
    await owner.query(
      `insert into evidence.advisories (tenant_id, id, source, external_id, external_ids, modified, affected) values ($1, $2, 'osv', 'GHSA-TEST', '{GHSA-TEST}', now(), '[]')`,
      [tenantId, advisoryId],
    );
    await owner.query(
      `insert into evidence.advisory_packages (tenant_id, id, advisory_id, purl_base, ranges)
       values ($1, $2, $3, $4, '[{"type":"ECOSYSTEM","events":[{"introduced":"2.0"},{"fixed":"2.15.0"}]}]')`,
      [tenantId, newId(), advisoryId, LOG4J],
    );
    return { tenantId, supplierId, advisoryId, evidenceIds };
  }

  const stored = (tenantId: string) =>
    owner.query(
      `select id, evidence_id, status, status_source, matched_at, xmax::text as xmax from evidence.advisory_exposures where tenant_id = $1 order by evidence_id`,
      [tenantId],
    ) as Promise<{ id: string; evidence_id: string; status: string; status_source: string; matched_at: Date; xmax: string }[]>;

  /** The `advisory.matched` events of the tenant's outbox, oldest first, checked against the event's contract. */
  async function announcements(tenantId: string): Promise<{ advisoryId: string; supplierIds: string[] }[]> {
    const rows: { id: string; type: string; payload: Record<string, unknown>; created_at: Date }[] = await owner.query(
      `select id, type, payload, created_at from evidence.outbox where tenant_id = $1 order by id`,
      [tenantId],
    );
    return rows.map((row) => {
      expect(row.type).toBe('advisory.matched');
      expect(row.payload).toEqual({ id: row.id, type: 'advisory.matched', timestamp: row.created_at.toISOString(), tenantId, data: expect.anything() });
      const data = row.payload['data'] as { advisoryId: string; supplierIds: string[] };
      assertEventData('advisory.matched', data);
      return data;
    });
  }

  /** A match's writes and announcement in a unit of work of its own; returns what it announced. */
  async function matched(tenantId: string, scope: { advisoryId: string } | { evidenceId: string }, rows: NewExposure[], advisoryIds: string[]) {
    const known = (await announcements(tenantId)).length;
    await database.run((manager) => repository.matchAndAnnounce(manager, tenantId, scope, rows, advisoryIds), tenantId);
    return (await announcements(tenantId)).slice(known);
  }

  it('reads the advisory with the processed components of its packages, one per evidence and purl', async () => {
    const { tenantId, advisoryId, evidenceIds } = await seeded(['2.14.1', '2.17.1']);
    const candidates = await database.run((manager) => repository.candidatesOfAdvisory(manager, tenantId, advisoryId), tenantId);
    expect(candidates.packages).toEqual([expect.objectContaining({ advisoryId, purlBase: LOG4J })]);
    expect(candidates.components.map((component) => [component.evidenceId, component.version])).toEqual([
      [evidenceIds[0], '2.14.1'],
      [evidenceIds[1], '2.17.1'],
    ]);
    // Another tenant's matching sees none of it.
    const other = newId();
    expect(await database.run((manager) => repository.candidatesOfAdvisory(manager, other, advisoryId), other)).toEqual({ packages: [], components: [] });
  });

  it('reads an SBOM with the packages naming its components, a purl it lists twice once', async () => {
    const { tenantId, supplierId, advisoryId, evidenceIds } = await seeded(['2.14.1']);
    const [sbom] = evidenceIds as [string];
    await owner.query(
      `insert into evidence.components (tenant_id, id, evidence_id, supplier_id, purl, purl_base, name, version, type, licences)
       values ($1, $2, $3, $4, $5, $6, 'log4j-core', '2.14.1', 'library', '{Apache-2.0}')`,
      [tenantId, newId(), sbom, supplierId, `${LOG4J}@2.14.1`, LOG4J],
    );
    const candidates = await database.run((manager) => repository.candidatesOfEvidence(manager, tenantId, sbom), tenantId);
    expect(candidates.components).toEqual([expect.objectContaining({ evidenceId: sbom, purl: `${LOG4J}@2.14.1`, version: '2.14.1' })]);
    expect(candidates.packages).toEqual([expect.objectContaining({ advisoryId, purlBase: LOG4J })]);
  });

  it('a rematch finding what is stored writes and locks nothing; a changed exposure is rewritten, one no longer found deleted, the supplier’s own kept', async () => {
    const { tenantId, supplierId, advisoryId, evidenceIds } = await seeded(['2.14.1', '2.13.0', '2.12.1']);
    const row = (evidenceId: string, version: string, status: NewExposure['status']): NewExposure => ({
      advisoryId,
      evidenceId,
      supplierId,
      productId: null,
      purl: `${LOG4J}@${version}`,
      version,
      status,
    });
    const match = (rows: NewExposure[]) => matched(tenantId, { advisoryId }, rows, [advisoryId]);
    const [first, second, third] = evidenceIds as [string, string, string];
    const found = [row(first, '2.14.1', 'affected'), row(second, '2.13.0', 'affected'), row(third, '2.12.1', 'affected')];

    expect(await match(found)).toEqual([{ advisoryId, supplierIds: [supplierId] }]);
    const written = await stored(tenantId);
    expect(written).toHaveLength(3);

    // Found again exactly as stored: the same rows, never written or locked (xmax stays 0).
    expect(await match(found)).toEqual([]);
    const untouched = await stored(tenantId);
    expect(untouched.map(({ id, status, matched_at }) => ({ id, status, matched_at }))).toEqual(
      written.map(({ id, status, matched_at }) => ({ id, status, matched_at })),
    );
    expect(untouched.map((exposure) => exposure.xmax)).toEqual(['0', '0', '0']);

    // The supplier answered for the third; the first is now fixed; the second is no longer found.
    await owner.query(
      `update evidence.advisory_exposures set status = 'not_affected', status_source = 'vex', statement = '{"status":"not_affected"}' where evidence_id = $1`,
      [third],
    );
    expect(await match([row(first, '2.14.1', 'fixed'), row(third, '2.12.1', 'affected')])).toEqual([]);
    const after = await stored(tenantId);
    expect(after.map((exposure) => [exposure.evidence_id, exposure.status, exposure.status_source])).toEqual([
      [first, 'fixed', 'version'],
      [third, 'not_affected', 'vex'],
    ]);
    expect(after[0]?.id).not.toBe(written[0]?.id);
    expect(after[1]?.id).toBe(written[2]?.id);
  });

  it('announces the suppliers of the match newly at risk, by their exposures anywhere in the tenant', async () => {
    const { tenantId, supplierId: first, advisoryId, evidenceIds } = await seeded(['2.14.1']);
    const [firstSbom] = evidenceIds as [string];
    // A second supplier shipping the same version, and a second SBOM of the first supplier.
    const second = newId();
    await owner.query(`insert into evidence.suppliers (tenant_id, id, name, status, event_at) values ($1, $2, 'Second', 'active', now())`, [tenantId, second]);
    const [secondSbom, laterSbom] = [newId(), newId()];
    for (const [id, supplier] of [
      [secondSbom, second],
      [laterSbom, first],
    ] as const)
      await owner.query(
        `insert into evidence.evidence (tenant_id, id, supplier_id, kind, status, source, processed_at) values ($1, $2, $3, 'sbom', 'processed', 'upload', now())`,
        [tenantId, id, supplier],
      );
    const row = (evidenceId: string, supplierId: string, status: NewExposure['status']): NewExposure => ({
      advisoryId,
      evidenceId,
      supplierId,
      productId: null,
      purl: `${LOG4J}@2.14.1`,
      version: '2.14.1',
      status,
    });
    const matchEvidence = (evidenceId: string, rows: NewExposure[]) => matched(tenantId, { evidenceId }, rows, [advisoryId]);

    expect(await matched(tenantId, { advisoryId }, [row(firstSbom, first, 'affected'), row(secondSbom, second, 'affected')], [advisoryId])).toEqual([
      { advisoryId, supplierIds: [first, second].sort() },
    ]);

    // The first supplier's later SBOM: it was at risk already, through its first SBOM.
    expect(await matchEvidence(laterSbom, [row(laterSbom, first, 'affected')])).toEqual([]);

    // The later SBOM found fixed: the first SBOM still puts the supplier at risk.
    expect(await matchEvidence(laterSbom, [row(laterSbom, first, 'fixed')])).toEqual([]);
    const atRisk = () =>
      owner.query(`select distinct supplier_id from evidence.advisory_exposures where tenant_id = $1 and status = 'affected' order by 1`, [tenantId]);
    expect(await atRisk()).toEqual([{ supplier_id: [first, second].sort()[0] }, { supplier_id: [first, second].sort()[1] }]);

    // The second supplier's only SBOM found fixed: no longer at risk.
    expect(await matchEvidence(secondSbom, [row(secondSbom, second, 'fixed')])).toEqual([]);
    expect(await atRisk()).toEqual([{ supplier_id: first }]);

    // And found affected again: at risk again, which is what `advisory.matched` announces.
    expect(await matchEvidence(secondSbom, [row(secondSbom, second, 'affected')])).toEqual([{ advisoryId, supplierIds: [second] }]);
  });

  it('announces each advisory of an SBOM match that newly puts its supplier at risk, in the order given, one event each', async () => {
    const { tenantId, supplierId, advisoryId, evidenceIds } = await seeded(['2.14.1']);
    const [sbom] = evidenceIds as [string];
    const [other, untouched] = [newId(), newId()];
    for (const id of [other, untouched])
      await owner.query(
        `insert into evidence.advisories (tenant_id, id, source, external_id, external_ids, modified, affected) values ($1, $2, 'osv', $3, array[$3], now(), '[]')`,
        [tenantId, id, `GHSA-${id.slice(-12)}`],
      );
    const row = (advisory: string, status: NewExposure['status']): NewExposure => ({
      advisoryId: advisory,
      evidenceId: sbom,
      supplierId,
      productId: null,
      purl: `${LOG4J}@2.14.1`,
      version: '2.14.1',
      status,
    });
    const events = await matched(
      tenantId,
      { evidenceId: sbom },
      [row(other, 'under_investigation'), row(advisoryId, 'affected'), row(untouched, 'fixed')],
      [other, untouched, advisoryId],
    );
    expect(events).toEqual([
      { advisoryId: other, supplierIds: [supplierId] },
      { advisoryId, supplierIds: [supplierId] },
    ]);
  });

  it('goes with the commit of its unit of work: nothing is written before it, and its error is the unit’s', async () => {
    const { tenantId, supplierId, advisoryId, evidenceIds } = await seeded(['2.14.1']);
    const [sbom] = evidenceIds as [string];
    const row: NewExposure = { advisoryId, evidenceId: sbom, supplierId, productId: null, purl: `${LOG4J}@2.14.1`, version: '2.14.1', status: 'affected' };
    const count = (manager: EntityManager, table: string) =>
      manager.query(`select count(*)::int as n from evidence.${table} where tenant_id = $1`, [tenantId]).then((rows) => rows[0].n as number);
    const seen = await database.run(async (manager) => {
      await repository.matchAndAnnounce(manager, tenantId, { advisoryId }, [row], [advisoryId]);
      // Queued: the unit itself does not see the match yet.
      const queued = { exposures: await count(manager, 'advisory_exposures'), events: await count(manager, 'outbox') };
      await repository.matchAndAnnounce(manager, tenantId, { advisoryId }, [row], [advisoryId], { withCommit: false });
      return { queued, atOnce: { exposures: await count(manager, 'advisory_exposures'), events: await count(manager, 'outbox') } };
    }, tenantId);
    expect(seen).toEqual({ queued: { exposures: 0, events: 0 }, atOnce: { exposures: 1, events: 1 } });
    // The queued match ran at the commit, after the one run at once: it found the exposure stored and announced nothing more.
    expect(await announcements(tenantId)).toEqual([{ advisoryId, supplierIds: [supplierId] }]);
    expect(await stored(tenantId)).toHaveLength(1);

    const other = await seeded(['2.14.1']);
    const unit = database.run(async (manager) => {
      await manager.query(`update evidence.evidence set title = 'renamed' where tenant_id = $1 and id = $2`, [other.tenantId, other.evidenceIds[0]]);
      // Sent with the commit: an advisory that is no uuid fails there.
      await repository.matchAndAnnounce(manager, other.tenantId, { advisoryId: 'not-an-id' }, [], ['not-an-id']);
    }, other.tenantId);
    await expect(unit).rejects.toThrow(/invalid input syntax for type uuid/);
    const [evidence] = await owner.query(`select title from evidence.evidence where tenant_id = $1 and id = $2`, [other.tenantId, other.evidenceIds[0]]);
    expect(evidence.title).toBeNull();
    expect(await announcements(other.tenantId)).toEqual([]);
  });

  it('announces nothing for a supplier whose VEX says it is not affected', async () => {
    const { tenantId, supplierId, advisoryId, evidenceIds } = await seeded(['2.14.1']);
    const [sbom] = evidenceIds as [string];
    await owner.query(
      `insert into evidence.vex_statements (tenant_id, id, evidence_id, supplier_id, vulnerabilities, purl, purl_base, status, statement)
       values ($1, $2, $3, $4, '{GHSA-TEST}', $5, $6, 'not_affected', '{"status":"not_affected","justification":"vulnerable_code_not_present"}')`,
      [tenantId, newId(), sbom, supplierId, `${LOG4J}@2.14.1`, LOG4J],
    );
    const row: NewExposure = { advisoryId, evidenceId: sbom, supplierId, productId: null, purl: `${LOG4J}@2.14.1`, version: '2.14.1', status: 'affected' };
    expect(await matched(tenantId, { advisoryId }, [row], [advisoryId])).toEqual([]);
    expect((await stored(tenantId)).map((exposure) => [exposure.status, exposure.status_source])).toEqual([['not_affected', 'vex']]);
  });

  it('announces, for an advisory’s match, only what that advisory changed, whatever other advisories it is asked about', async () => {
    const { tenantId, supplierId, advisoryId, evidenceIds } = await seeded(['2.14.1', '2.13.0']);
    const [first, second] = evidenceIds as [string, string];
    const otherAdvisory = newId();
    await owner.query(
      `insert into evidence.advisories (tenant_id, id, source, external_id, external_ids, modified, affected) values ($1, $2, 'osv', 'GHSA-OTHER', '{GHSA-OTHER}', now(), '[]')`,
      [tenantId, otherAdvisory],
    );
    const row = (advisory: string, evidenceId: string, version: string): NewExposure => ({
      advisoryId: advisory,
      evidenceId,
      supplierId,
      productId: null,
      purl: `${LOG4J}@${version}`,
      version,
      status: 'affected',
    });
    // The supplier is at risk from the other advisory already, through its second SBOM.
    expect(await matched(tenantId, { advisoryId: otherAdvisory }, [row(otherAdvisory, second, '2.13.0')], [otherAdvisory])).toEqual([
      { advisoryId: otherAdvisory, supplierIds: [supplierId] },
    ]);
    // This advisory's match, asked about both (and about itself twice): one event, for this advisory.
    expect(await matched(tenantId, { advisoryId }, [row(advisoryId, first, '2.14.1')], [otherAdvisory, advisoryId, advisoryId])).toEqual([
      { advisoryId, supplierIds: [supplierId] },
    ]);
  });

  it('names at most 10,000 suppliers an event: more go in further events, with ids of their own', async () => {
    const { tenantId, advisoryId } = await seeded([]);
    const suppliers = 10_001;
    await owner.query(
      `insert into evidence.suppliers (tenant_id, id, name, status, event_at) select $1, gen_random_uuid(), 'Bulk ' || n, 'active', now() from generate_series(1, $2::int) n`,
      [tenantId, suppliers],
    );
    await owner.query(
      `insert into evidence.evidence (tenant_id, id, supplier_id, kind, status, source, processed_at)
       select tenant_id, gen_random_uuid(), id, 'sbom', 'processed', 'upload', now() from evidence.suppliers where tenant_id = $1 and name like 'Bulk %'`,
      [tenantId],
    );
    const sboms: { id: string; supplier_id: string }[] = await owner.query(
      `select id, supplier_id from evidence.evidence where tenant_id = $1 and supplier_id in (select id from evidence.suppliers where tenant_id = $1 and name like 'Bulk %')`,
      [tenantId],
    );
    const rows = sboms.map((sbom): NewExposure => ({
      advisoryId,
      evidenceId: sbom.id,
      supplierId: sbom.supplier_id,
      productId: null,
      purl: `${LOG4J}@2.14.1`,
      version: '2.14.1',
      status: 'affected',
    }));
    const events = await matched(tenantId, { advisoryId }, rows, [advisoryId]);
    // Two events of the one advisory (in either order: the second's id is made by the database, in the same millisecond).
    expect(events.map((event) => [event.advisoryId, event.supplierIds.length]).sort((a, b) => Number(b[1]) - Number(a[1]))).toEqual([
      [advisoryId, 10_000],
      [advisoryId, 1],
    ]);
    expect(new Set(events.flatMap((event) => event.supplierIds)).size).toBe(suppliers);
    const ids: { id: string }[] = await owner.query(`select id::text from evidence.outbox where tenant_id = $1 order by created_at, id`, [tenantId]);
    // Both are UUIDv7s (the second made by the database).
    for (const { id } of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  }, 180_000);

  it('makes UUIDv7 event ids of the given time', async () => {
    const [{ id }] = await owner.query(`select evidence.new_event_id('2026-12-04T12:34:56.789Z')::text as id`);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(Date.parse('2026-12-04T12:34:56.789Z'));
  });
});
