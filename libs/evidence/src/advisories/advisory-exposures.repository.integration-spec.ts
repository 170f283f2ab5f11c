import { TenantDatabase, newId } from '@assay/shared/database';
import { appDatabase, ownerDataSourceForFile, stackConfig } from '@assay/shared/testing';
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
    const match = (rows: NewExposure[]) =>
      database.run((manager) => repository.matchExposures(manager, tenantId, { advisoryId }, rows, [advisoryId]), tenantId);
    const [first, second, third] = evidenceIds as [string, string, string];
    const found = [row(first, '2.14.1', 'affected'), row(second, '2.13.0', 'affected'), row(third, '2.12.1', 'affected')];

    const initial = await match(found);
    expect(initial.before.get(advisoryId)).toEqual(new Set());
    expect(initial.after.get(advisoryId)).toEqual(new Set([supplierId]));
    const written = await stored(tenantId);
    expect(written).toHaveLength(3);

    // Found again exactly as stored: the same rows, never written or locked (xmax stays 0).
    const again = await match(found);
    expect(again.before.get(advisoryId)).toEqual(new Set([supplierId]));
    expect(again.after.get(advisoryId)).toEqual(new Set([supplierId]));
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
    const changed = await match([row(first, '2.14.1', 'fixed'), row(third, '2.12.1', 'affected')]);
    expect(changed.after.get(advisoryId)).toEqual(new Set());
    const after = await stored(tenantId);
    expect(after.map((exposure) => [exposure.evidence_id, exposure.status, exposure.status_source])).toEqual([
      [first, 'fixed', 'version'],
      [third, 'not_affected', 'vex'],
    ]);
    expect(after[0]?.id).not.toBe(written[0]?.id);
    expect(after[1]?.id).toBe(written[2]?.id);
  });

  it('tells who was and is at risk from the suppliers of the match, by their exposures anywhere in the tenant', async () => {
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
    const matchAdvisory = (rows: NewExposure[]) =>
      database.run((manager) => repository.matchExposures(manager, tenantId, { advisoryId }, rows, [advisoryId]), tenantId);
    const matchEvidence = (evidenceId: string, rows: NewExposure[]) =>
      database.run((manager) => repository.matchExposures(manager, tenantId, { evidenceId }, rows, [advisoryId]), tenantId);

    const both = await matchAdvisory([row(firstSbom, first, 'affected'), row(secondSbom, second, 'affected')]);
    expect(both.before.get(advisoryId)).toEqual(new Set());
    expect(both.after.get(advisoryId)).toEqual(new Set([first, second]));

    // The first supplier's later SBOM: it was at risk already, through its first SBOM.
    const later = await matchEvidence(laterSbom, [row(laterSbom, first, 'affected')]);
    expect(later.before.get(advisoryId)).toEqual(new Set([first]));
    expect(later.after.get(advisoryId)).toEqual(new Set([first]));

    // The later SBOM found fixed: the first SBOM still puts the supplier at risk.
    const fixedLater = await matchEvidence(laterSbom, [row(laterSbom, first, 'fixed')]);
    expect(fixedLater.after.get(advisoryId)).toEqual(new Set([first]));

    // The second supplier's only SBOM found fixed: no longer at risk.
    const fixedSecond = await matchEvidence(secondSbom, [row(secondSbom, second, 'fixed')]);
    expect(fixedSecond.before.get(advisoryId)).toEqual(new Set([second]));
    expect(fixedSecond.after.get(advisoryId)).toEqual(new Set());

    // And found affected again: at risk again, which is what `advisory.matched` announces.
    const again = await matchEvidence(secondSbom, [row(secondSbom, second, 'affected')]);
    expect(again.before.get(advisoryId)).toEqual(new Set());
    expect(again.after.get(advisoryId)).toEqual(new Set([second]));
  });
});
