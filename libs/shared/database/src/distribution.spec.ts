import { CatalogForeignKey, CatalogKey, DistributionCatalog, DistributionPlanError, auditDistribution, distributionPlan } from './distribution';

const pk = (table: string, columns: string[] = ['tenant_id', 'id']): CatalogKey => ({
  table,
  name: `${table.split('.')[1]}_pkey`,
  kind: 'primary key',
  columns,
});
const fk = (
  table: string,
  referencedTable: string,
  columns: string[],
  referencedColumns: string[],
  onDelete: CatalogForeignKey['onDelete'] = 'a',
): CatalogForeignKey => ({
  table,
  name: `${table.split('.')[1]}_${referencedTable.split('.')[1]}_fkey`,
  columns,
  referencedTable,
  referencedColumns,
  onDelete,
  onUpdate: 'a',
});

/** A small schema shaped like Assay's: a catalogue, people, and tenant tables referring to both. */
function catalog(): DistributionCatalog {
  return {
    tables: [
      { name: 'app.frameworks', hasTenantId: false },
      { name: 'app.framework_claims', hasTenantId: false },
      { name: 'app.users', hasTenantId: false },
      { name: 'app.tenants', hasTenantId: true },
      { name: 'app.suppliers', hasTenantId: true },
      { name: 'app.assessments', hasTenantId: true },
      { name: 'app.answers', hasTenantId: true },
      { name: 'public.assay_migrations', hasTenantId: false },
    ],
    keys: [
      pk('app.frameworks', ['key']),
      pk('app.framework_claims', ['framework_key', 'id']),
      pk('app.users', ['id']),
      pk('app.tenants'),
      pk('app.suppliers'),
      pk('app.assessments'),
      pk('app.answers'),
      { table: 'app.answers', name: 'answers_once', kind: 'unique index', columns: ['tenant_id', 'assessment_id', 'claim_id'] },
      pk('public.assay_migrations', ['id']),
    ],
    foreignKeys: [
      fk('app.framework_claims', 'app.frameworks', ['framework_key'], ['key']),
      fk('app.assessments', 'app.suppliers', ['tenant_id', 'supplier_id'], ['tenant_id', 'id']),
      fk('app.assessments', 'app.frameworks', ['framework_key'], ['key']),
      fk('app.assessments', 'app.assessments', ['tenant_id', 'previous_id'], ['tenant_id', 'id']),
      fk('app.answers', 'app.assessments', ['tenant_id', 'assessment_id'], ['tenant_id', 'id'], 'c'),
      fk('app.suppliers', 'app.users', ['created_by'], ['id']),
    ],
  };
}

const RULES = { referenceTables: ['app.frameworks', 'app.framework_claims', 'app.users'], colocationAnchor: 'app.tenants' };

describe('distribution by tenant_id', () => {
  it('finds nothing wrong with tenant tables keyed by tenant_id and listed global tables', () => {
    expect(auditDistribution(catalog(), RULES)).toEqual([]);
  });

  it('plans reference tables first, then every tenant table colocated with the anchor, referenced before referring', () => {
    expect(distributionPlan(catalog(), RULES)).toEqual([
      `select create_reference_table('"app"."frameworks"');`,
      `select create_reference_table('"app"."users"');`,
      `select create_reference_table('"app"."framework_claims"');`,
      `select create_distributed_table('"app"."tenants"', 'tenant_id', colocate_with => 'none');`,
      `select create_distributed_table('"app"."suppliers"', 'tenant_id', colocate_with => '"app"."tenants"');`,
      `select create_distributed_table('"app"."assessments"', 'tenant_id', colocate_with => '"app"."tenants"');`,
      `select create_distributed_table('"app"."answers"', 'tenant_id', colocate_with => '"app"."tenants"');`,
    ]);
  });

  it('names a new table that has no tenant_id and is not a reference table', () => {
    const schema = catalog();
    schema.tables.push({ name: 'app.inquiry_templates', hasTenantId: false });
    expect(auditDistribution(schema, RULES)).toEqual([
      {
        table: 'app.inquiry_templates',
        problem: 'has no tenant_id and is not listed as a reference table: add tenant_id or list it as a reference table',
      },
    ]);
    expect(() => distributionPlan(schema, RULES)).toThrow(/app\.inquiry_templates has no tenant_id/);
  });

  it('names tenant tables whose primary key or unique keys leave tenant_id out, or that have no primary key', () => {
    const schema = catalog();
    schema.keys = schema.keys.filter((key) => key.table !== 'app.tenants');
    schema.keys.push(
      { table: 'app.suppliers', name: 'suppliers_name', kind: 'unique index', columns: ['name'] },
      { table: 'app.assessments', name: 'assessments_code', kind: 'unique constraint', columns: [null, 'id'] },
    );
    expect(auditDistribution(schema, RULES)).toEqual([
      { table: 'app.tenants', problem: 'has no primary key (it must include tenant_id)' },
      { table: 'app.suppliers', problem: 'unique index suppliers_name (name) does not include tenant_id' },
      { table: 'app.assessments', problem: 'unique constraint assessments_code (<expression>, id) does not include tenant_id' },
    ]);
  });

  it('names foreign keys between tenant tables that do not pair tenant_id, or that null it', () => {
    const schema = catalog();
    schema.foreignKeys.push(
      fk('app.answers', 'app.suppliers', ['supplier_id', 'tenant_id'], ['tenant_id', 'id']),
      fk('app.suppliers', 'app.tenants', ['tenant_id'], ['tenant_id'], 'n'),
    );
    expect(auditDistribution(schema, RULES)).toEqual([
      {
        table: 'app.answers',
        problem: 'foreign key answers_suppliers_fkey (supplier_id, tenant_id) to app.suppliers does not pair tenant_id with app.suppliers.tenant_id',
      },
      {
        table: 'app.suppliers',
        problem: 'foreign key suppliers_tenants_fkey (tenant_id) to app.tenants sets tenant_id to null or a default on delete or update',
      },
    ]);
  });

  it('keeps reference tables referring only to reference tables, and tenant tables to placed tables', () => {
    const schema = catalog();
    schema.foreignKeys.push(
      fk('app.users', 'app.tenants', ['home_tenant_id'], ['tenant_id']),
      fk('app.answers', 'public.assay_migrations', ['migration_id'], ['id']),
    );
    expect(auditDistribution(schema, RULES)).toEqual([
      { table: 'app.users', problem: 'foreign key users_tenants_fkey (home_tenant_id) to app.tenants: a reference table may refer only to reference tables' },
      {
        table: 'app.answers',
        problem:
          'foreign key answers_assay_migrations_fkey (migration_id) to public.assay_migrations: a tenant table may refer only to tenant tables and reference tables',
      },
    ]);
  });

  it('names a listed reference table that is missing or carries tenant_id', () => {
    expect(auditDistribution(catalog(), { referenceTables: [...RULES.referenceTables, 'app.gone', 'app.suppliers'] })).toEqual([
      { table: 'app.gone', problem: 'is listed as a reference table but does not exist' },
      { table: 'app.suppliers', problem: 'is listed as a reference table but has tenant_id: distribute it by tenant_id instead' },
    ]);
  });

  it('refuses a cycle of foreign keys between tenant tables, naming its tables', () => {
    const schema = catalog();
    schema.foreignKeys.push(fk('app.suppliers', 'app.answers', ['tenant_id', 'last_answer_id'], ['tenant_id', 'id']));
    let error: unknown;
    try {
      distributionPlan(schema, RULES);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DistributionPlanError);
    expect((error as DistributionPlanError).problems.map((problem) => problem.table)).toEqual(['app.answers', 'app.assessments', 'app.suppliers']);
  });
});
