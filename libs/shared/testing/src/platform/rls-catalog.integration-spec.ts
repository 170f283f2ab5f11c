import { ownerDataSource, stackConfig } from '../helpers';
import type { DataSource } from 'typeorm';
import { auditTenantIsolation, countTenantTables, createServiceSchemaSql, createTenantTableSql } from '@assay/shared/database';

const SERVICE_SCHEMAS = ['tenancy', 'assessments', 'evidence', 'notifications', 'audit'];

describe('tenant isolation in the catalog', () => {
  let owner: DataSource;
  const appRole = () => stackConfig('assessments').database.appRole;

  beforeAll(async () => {
    owner = await ownerDataSource();
  });
  afterAll(async () => {
    await owner.query('drop schema if exists isolation_probe cascade');
    await owner.destroy();
  });

  it('every table with tenant_id forces RLS with a tenant policy, and the app role owns nothing', async () => {
    expect(await countTenantTables(owner, SERVICE_SCHEMAS)).toBeGreaterThanOrEqual(11);
    expect(await auditTenantIsolation(owner, SERVICE_SCHEMAS, appRole())).toEqual([]);
  });

  it('the app role is neither superuser nor BYPASSRLS', async () => {
    const [role] = await owner.query('select rolsuper, rolbypassrls from pg_roles where rolname = $1', [appRole()]);
    expect(role).toEqual({ rolsuper: false, rolbypassrls: false });
  });

  it('flags a tenant table created without RLS, one without FORCE, and a relation the app role owns', async () => {
    await owner.query('create schema isolation_probe');
    await owner.query('create table isolation_probe.bare (tenant_id uuid not null, id uuid not null, primary key (tenant_id, id))');
    await owner.query('create table isolation_probe.unforced (tenant_id uuid not null, id uuid not null)');
    await owner.query('alter table isolation_probe.unforced enable row level security');
    await owner.query(`grant create on schema isolation_probe to ${appRole()}`);
    await owner.query(`create table isolation_probe.owned_by_app (id int)`);
    await owner.query(`alter table isolation_probe.owned_by_app owner to ${appRole()}`);
    const problems = await auditTenantIsolation(owner, ['isolation_probe'], appRole());
    expect(problems).toEqual(
      expect.arrayContaining([
        { table: 'isolation_probe.bare', problem: 'row-level security is not enabled' },
        { table: 'isolation_probe.bare', problem: 'no USING / WITH CHECK tenant policy for the app role' },
        { table: 'isolation_probe.unforced', problem: 'row-level security is not forced' },
        { table: 'isolation_probe.owned_by_app', problem: `owned by the app role ${appRole()}` },
      ]),
    );
  });

  it('a table made with the helper passes the audit', async () => {
    await owner.query('drop schema if exists isolation_probe cascade');
    const roles = { appRole: appRole(), systemRole: stackConfig('assessments').database.systemRole };
    for (const sql of [
      ...createServiceSchemaSql('isolation_probe', roles),
      ...createTenantTableSql({ schema: 'isolation_probe', table: 'things', columns: ['"name" text not null'] }, roles),
    ]) {
      await owner.query(sql);
    }
    expect(await auditTenantIsolation(owner, ['isolation_probe'], appRole())).toEqual([]);
  });
});
