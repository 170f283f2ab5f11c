import type { MigrationInterface, QueryRunner } from 'typeorm';
import { quoteIdent } from './identifiers';

export interface RoleNames {
  appRole: string;
  systemRole: string;
}

export const DEFAULT_ROLES: RoleNames = { appRole: 'assay_app', systemRole: 'assay_system' };

/** Roles named by the deployment (see DATABASE_APP_ROLE); migrations read them from here. */
export function migrationRoles(): RoleNames {
  return {
    appRole: process.env['DATABASE_APP_ROLE']?.trim() || DEFAULT_ROLES.appRole,
    systemRole: process.env['DATABASE_SYSTEM_ROLE']?.trim() || DEFAULT_ROLES.systemRole,
  };
}

export type TablePrivilege = 'select' | 'insert' | 'update' | 'delete';

export interface TenantTableSpec {
  schema: string;
  table: string;
  /** Column definitions other than tenant_id and id, e.g. `"name" text not null`. */
  columns: string[];
  /** Extra constraints (foreign keys must include tenant_id), e.g. `foreign key (tenant_id, supplier_id) references …`. */
  constraints?: string[];
  /** Index definitions as `(tenant_id, created_at desc)` or full `unique (…)` suffixes. */
  indexes?: { name: string; columns: string; unique?: boolean; where?: string }[];
  /** What the app role may do; the default is full CRUD. Append-only tables grant select + insert. */
  appPrivileges?: TablePrivilege[];
  /** Optional policy letting the system role see every tenant's rows of this table. */
  systemAccess?: TablePrivilege[];
}

/**
 * SQL creating one tenant table with everything isolation requires, in one place so no migration can
 * forget a piece: tenant_id, composite primary key, ENABLE + FORCE row-level security, a USING /
 * WITH CHECK policy on app.tenant_id, and explicit grants.
 */
export function createTenantTableSql(spec: TenantTableSpec, roles: RoleNames = migrationRoles()): string[] {
  const qualified = `${quoteIdent(spec.schema)}.${quoteIdent(spec.table)}`;
  const body = [`"tenant_id" uuid not null`, `"id" uuid not null`, ...spec.columns, `primary key ("tenant_id", "id")`, ...(spec.constraints ?? [])];
  const statements = [`create table ${qualified} (\n  ${body.join(',\n  ')}\n)`];
  for (const index of spec.indexes ?? []) {
    statements.push(
      `create ${index.unique ? 'unique ' : ''}index ${quoteIdent(index.name)} on ${qualified} ${index.columns}${index.where ? ` where ${index.where}` : ''}`,
    );
  }
  statements.push(...tenantRlsSql(spec.schema, spec.table, roles));
  const privileges = spec.appPrivileges ?? ['select', 'insert', 'update', 'delete'];
  statements.push(`grant ${privileges.join(', ')} on ${qualified} to ${quoteIdent(roles.appRole)}`);
  if (spec.systemAccess?.length) {
    statements.push(`grant ${spec.systemAccess.join(', ')} on ${qualified} to ${quoteIdent(roles.systemRole)}`);
    statements.push(
      `create policy ${quoteIdent(`${spec.table}_system_access`)} on ${qualified} for all to ${quoteIdent(roles.systemRole)} using (true) with check (true)`,
    );
  }
  return statements;
}

/** ENABLE + FORCE row-level security and the tenant policy for an existing table. */
export function tenantRlsSql(schema: string, table: string, roles: RoleNames = migrationRoles()): string[] {
  const qualified = `${quoteIdent(schema)}.${quoteIdent(table)}`;
  const predicate = `"tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid`;
  return [
    `alter table ${qualified} enable row level security`,
    `alter table ${qualified} force row level security`,
    `create policy ${quoteIdent(`${table}_tenant_isolation`)} on ${qualified} for all to ${quoteIdent(roles.appRole)} using (${predicate}) with check (${predicate})`,
  ];
}

/** SQL creating a global (non-tenant) table's grants: the app role may only read it. */
export function grantReadOnlySql(schema: string, table: string, roles: RoleNames = migrationRoles()): string {
  return `grant select on ${quoteIdent(schema)}.${quoteIdent(table)} to ${quoteIdent(roles.appRole)}`;
}

/** A service schema the app role may use but not create objects in. */
export function createServiceSchemaSql(schema: string, roles: RoleNames = migrationRoles()): string[] {
  return [
    `create schema if not exists ${quoteIdent(schema)}`,
    `revoke all on schema ${quoteIdent(schema)} from public`,
    `grant usage on schema ${quoteIdent(schema)} to ${quoteIdent(roles.appRole)}, ${quoteIdent(roles.systemRole)}`,
  ];
}

/** The transactional outbox of one service schema. */
export function createOutboxTableSql(schema: string, roles: RoleNames = migrationRoles()): string[] {
  return createTenantTableSql(
    {
      schema,
      table: 'outbox',
      columns: [`"type" text not null`, `"payload" jsonb not null`, `"created_at" timestamptz not null default now()`, `"published_at" timestamptz`],
      indexes: [{ name: `${schema}_outbox_unpublished`, columns: `("created_at", "id")`, where: `"published_at" is null` }],
      appPrivileges: ['select', 'insert'],
      systemAccess: ['select', 'update', 'delete'],
    },
    roles,
  );
}

/** What one kind of reminder plan keeps besides the columns every plan has. */
export interface ReminderTableSpec {
  /** Columns naming what is reminded of (before `opened_at`), e.g. `"due_at" timestamptz not null`. */
  subject: string[];
  /** Columns naming who else hears of it besides `recipients` (an internal owner escalated to, say). */
  audience?: string[];
}

/**
 * SQL creating a reminder plan table of the notifications service: per subject (a finding, an
 * inquiry), what its reminders are planned from (kept from the subject's events: when it opened, the
 * recipients) and the steps already sent; the reminders tick (system role) reads which are due.
 */
export function createReminderTableSql(table: string, spec: ReminderTableSpec, roles: RoleNames = migrationRoles()): string[] {
  return createTenantTableSql(
    {
      schema: 'notifications',
      table,
      columns: [
        ...spec.subject,
        `"opened_at" timestamptz not null`,
        `"recipients" jsonb not null`,
        ...(spec.audience ?? []),
        `"open" boolean not null`,
        `"sent_steps" text[] not null default '{}'`,
        `"next_reminder_at" timestamptz`,
        `"event_at" timestamptz not null`,
        `"updated_at" timestamptz not null default date_trunc('milliseconds', now())`,
      ],
      indexes: [{ name: `notifications_${table}_due`, columns: `("next_reminder_at", "tenant_id")`, where: `"open" and "next_reminder_at" is not null` }],
      systemAccess: ['select'],
    },
    roles,
  );
}

/** What {@link addColumnMigration} adds: one column of one table, e.g. a nullable `timestamptz`. */
export interface AddedColumn {
  schema: string;
  table: string;
  column: string;
  /** The column's type and any constraints, e.g. `timestamptz` or `uuid`. */
  definition: string;
}

/** A migration that only adds one column (its `down` drops it again), named `name` as TypeORM records it. */
export function addColumnMigration(name: string, added: AddedColumn): new () => MigrationInterface {
  const qualified = `${quoteIdent(added.schema)}.${quoteIdent(added.table)}`;
  const column = quoteIdent(added.column);
  return class implements MigrationInterface {
    name = name;

    async up(queryRunner: QueryRunner): Promise<void> {
      await queryRunner.query(`alter table ${qualified} add column ${column} ${added.definition}`);
    }

    async down(queryRunner: QueryRunner): Promise<void> {
      await queryRunner.query(`alter table ${qualified} drop column if exists ${column}`);
    }
  };
}
