import type { DataSource } from 'typeorm';

/**
 * Refuses to run with a connection that would make row-level security meaningless: a superuser,
 * a BYPASSRLS role, or a role owning tables in the service schemas.
 */
export async function assertRuntimeRoleIsConfined(dataSource: DataSource): Promise<void> {
  const [role] = await dataSource.query(
    `select current_user as name, r.rolsuper as superuser, r.rolbypassrls as bypassrls,
            (select count(*)::int from pg_class c join pg_namespace n on n.oid = c.relnamespace
              where c.relowner = r.oid and n.nspname not in ('pg_catalog', 'information_schema')) as owned
       from pg_roles r where r.rolname = current_user`,
  );
  if (!role || role.superuser || role.bypassrls || role.owned > 0) {
    throw new Error(
      `Database role "${role?.name}" is not confined (superuser=${role?.superuser}, bypassrls=${role?.bypassrls}, owns ${role?.owned} relations); ` +
        'connect as the app role or a login that may assume it (DATABASE_APP_ROLE)',
    );
  }
}
