import { CATALOGUE_REFERENCE_DATA, FrameworkDocument, loadBundledCatalogues } from '@assay/assessments';
import { gateway, ownerDataSource, testStack } from '@assay/shared/testing';
import type { DataSource } from 'typeorm';
import { REFERENCE_DATA, migrateAndSeed } from './migrate';

const CATALOGUE_TABLES = ['frameworks', 'framework_themes', 'framework_principles', 'framework_claims', 'framework_checks', 'framework_mappings'];

/** Every row of the catalogue tables, in a stable order. */
async function catalogueRows(owner: DataSource): Promise<Record<string, unknown[]>> {
  const rows: Record<string, unknown[]> = {};
  for (const table of CATALOGUE_TABLES) {
    rows[table] = await owner.query(`select * from assessments.${table} t order by to_jsonb(t)::text`);
  }
  return rows;
}

const sortedChecks = (doc: Pick<FrameworkDocument, 'checks'>) => [...doc.checks].sort((a, b) => a.key.localeCompare(b.key));

describe('migrating an already migrated database', () => {
  let owner: DataSource;

  beforeAll(async () => {
    owner = await ownerDataSource();
  });
  afterAll(async () => {
    await owner.destroy();
  });

  it('registers the Code catalogue as reference data', () => {
    expect(REFERENCE_DATA).toContain(CATALOGUE_REFERENCE_DATA);
  });

  it('applies no migration and loads the catalogue again to exactly the same rows', async () => {
    const before = await catalogueRows(owner);
    const lines: string[] = [];
    await migrateAndSeed({ ...testStack().env }, (line) => lines.push(line));
    await migrateAndSeed({ ...testStack().env }, (line) => lines.push(line));
    expect(lines).toEqual(['catalogue uk-sscop 2025-05-07 loaded', 'catalogue uk-sscop 2025-05-07 loaded']);
    expect(await catalogueRows(owner)).toEqual(before);
    expect(before['frameworks']).toEqual([expect.objectContaining({ key: 'uk-sscop', version: '2025-05-07', is_current: true })]);
    expect(before['framework_claims']).toHaveLength(45);
  }, 60_000);

  it('serves the loaded catalogue exactly as the bundled document says', async () => {
    const [bundled] = loadBundledCatalogues() as [FrameworkDocument];
    const { status, body } = await gateway(`/api/v1/frameworks/${bundled.key}?version=${bundled.version}`);
    expect(status).toBe(200);
    expect({ ...body, checks: sortedChecks(body) }).toEqual(JSON.parse(JSON.stringify({ ...bundled, checks: sortedChecks(bundled) })));
  });
});
