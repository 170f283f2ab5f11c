import type { DataSource } from 'typeorm';

export interface IsolationProblem {
  table: string;
  problem: string;
}

/**
 * Scans the catalog of the given schemas: every table with a tenant_id column must have ENABLE and
 * FORCE row-level security and a policy for the app role whose USING and WITH CHECK both compare
 * tenant_id with app.tenant_id; and the app role must own no relation at all.
 */
export async function auditTenantIsolation(dataSource: DataSource, schemas: string[], appRole: string): Promise<IsolationProblem[]> {
  const problems: IsolationProblem[] = [];
  const tables: {
    table: string;
    rls: boolean;
    forced: boolean;
    policies: { roles: string[]; qual: string | null; check: string | null; cmd: string }[] | null;
  }[] = await dataSource.query(
    `select n.nspname || '.' || c.relname as table, c.relrowsecurity as rls, c.relforcerowsecurity as forced,
              (select json_agg(json_build_object('roles', p.roles, 'qual', p.qual, 'check', p.with_check, 'cmd', p.cmd))
                 from pg_policies p where p.schemaname = n.nspname and p.tablename = c.relname) as policies
         from pg_class c
         join pg_namespace n on n.oid = c.relnamespace
        where c.relkind in ('r', 'p') and n.nspname = any($1)
          and exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped)
        order by 1`,
    [schemas],
  );
  for (const table of tables) {
    if (!table.rls) problems.push({ table: table.table, problem: 'row-level security is not enabled' });
    if (!table.forced) problems.push({ table: table.table, problem: 'row-level security is not forced' });
    const tenantPolicy = (table.policies ?? []).find(
      (policy) =>
        policy.cmd === 'ALL' &&
        policy.roles.includes(appRole) &&
        /tenant_id/.test(policy.qual ?? '') &&
        /app\.tenant_id/.test(policy.qual ?? '') &&
        /tenant_id/.test(policy.check ?? '') &&
        /app\.tenant_id/.test(policy.check ?? ''),
    );
    if (!tenantPolicy) problems.push({ table: table.table, problem: 'no USING / WITH CHECK tenant policy for the app role' });
  }
  const owned: { relation: string }[] = await dataSource.query(
    `select n.nspname || '.' || c.relname as relation from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where pg_get_userbyid(c.relowner) = $1`,
    [appRole],
  );
  for (const relation of owned) problems.push({ table: relation.relation, problem: `owned by the app role ${appRole}` });
  // Membership must not lend the app role another role's policies or grants (it must be NOINHERIT).
  const lent: { role: string }[] = await dataSource.query(
    `select r.rolname as role from pg_roles r where r.rolname <> $1 and pg_has_role($1, r.oid, 'USAGE') and left(r.rolname, 3) <> 'pg_'`,
    [appRole],
  );
  for (const role of lent) problems.push({ table: '-', problem: `the app role inherits the privileges of ${role.role}` });
  return problems;
}

/** How many tenant tables the audit covered (so a test can tell it did not pass vacuously). */
export async function countTenantTables(dataSource: DataSource, schemas: string[]): Promise<number> {
  const [row] = await dataSource.query(
    `select count(*)::int as count from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'p') and n.nspname = any($1)
        and exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped)`,
    [schemas],
  );
  return row.count;
}
