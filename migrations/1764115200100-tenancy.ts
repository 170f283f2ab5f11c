import { createTenantTableSql, migrationRoles, quoteIdent } from '@assay/shared/database';
import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Identity and tenancy. Users are global (one person, several tenants); everything that belongs to a
 * tenant is a tenant table under row-level security. The system role may only read memberships and
 * tenant names (sign-in lists a user's tenants) and find API keys by id (the gateway verifies keys
 * before it knows the tenant), updating nothing but `last_used_at`.
 */
export class Tenancy1764115200100 implements MigrationInterface {
  name = 'Tenancy1764115200100';

  async up(queryRunner: QueryRunner): Promise<void> {
    const roles = migrationRoles();
    const app = quoteIdent(roles.appRole);
    const system = quoteIdent(roles.systemRole);
    const statements: string[] = [
      `create table tenancy.users (
        id uuid primary key,
        email text not null check (length(email) <= 254),
        name text not null,
        password_hash text not null,
        totp_secret text,
        totp_enabled_at timestamptz,
        totp_last_step bigint,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      )`,
      `create unique index users_email on tenancy.users (lower(email))`,
      `grant select, insert, update on tenancy.users to ${app}`,
      `create table tenancy.recovery_codes (
        user_id uuid not null references tenancy.users (id) on delete cascade,
        id uuid not null,
        code_hash char(64) not null,
        created_at timestamptz not null default now(),
        used_at timestamptz,
        primary key (user_id, id)
      )`,
      `grant select, insert, update, delete on tenancy.recovery_codes to ${app}`,
      ...createTenantTableSql({
        schema: 'tenancy',
        table: 'tenants',
        columns: [
          `"name" text not null`,
          `"settings" jsonb not null default '{}'`,
          `"created_at" timestamptz not null default now()`,
          `"updated_at" timestamptz not null default now()`,
        ],
        constraints: [`check ("id" = "tenant_id")`],
        appPrivileges: ['select', 'insert', 'update'],
      }),
      ...createTenantTableSql({
        schema: 'tenancy',
        table: 'memberships',
        columns: [
          `"user_id" uuid not null references tenancy.users (id)`,
          `"role" text not null check ("role" in ('owner', 'admin', 'assessor', 'viewer'))`,
          `"created_at" timestamptz not null default now()`,
          `"updated_at" timestamptz not null default now()`,
        ],
        constraints: [`unique ("tenant_id", "user_id")`],
        // Lists page on the primary key (tenant_id, id): ids are UUIDv7, so that is creation order.
        indexes: [{ name: 'memberships_by_user', columns: `("user_id")` }],
      }),
      ...createTenantTableSql({
        schema: 'tenancy',
        table: 'sessions',
        columns: [
          `"user_id" uuid not null references tenancy.users (id)`,
          `"mfa" boolean not null default false`,
          `"created_at" timestamptz not null default now()`,
          `"last_refreshed_at" timestamptz`,
          `"expires_at" timestamptz not null`,
          `"revoked_at" timestamptz`,
          `"revoke_reason" text`,
          `"user_agent" text`,
          `"ip" text`,
        ],
        indexes: [{ name: 'sessions_by_user', columns: `("tenant_id", "user_id", "created_at")` }],
        appPrivileges: ['select', 'insert', 'update'],
      }),
      ...createTenantTableSql({
        schema: 'tenancy',
        table: 'refresh_tokens',
        columns: [
          `"session_id" uuid not null`,
          `"token_hash" char(64) not null`,
          `"created_at" timestamptz not null default now()`,
          `"expires_at" timestamptz not null`,
          `"spent_at" timestamptz`,
        ],
        constraints: [`foreign key ("tenant_id", "session_id") references tenancy.sessions ("tenant_id", "id")`],
        indexes: [
          { name: 'refresh_tokens_hash', columns: `("tenant_id", "token_hash")`, unique: true },
          { name: 'refresh_tokens_by_session', columns: `("tenant_id", "session_id")` },
        ],
        appPrivileges: ['select', 'insert', 'update'],
      }),
      ...createTenantTableSql({
        schema: 'tenancy',
        table: 'invitations',
        columns: [
          `"email" text not null`,
          `"role" text not null check ("role" in ('owner', 'admin', 'assessor', 'viewer'))`,
          `"token_hash" char(64) not null`,
          `"invited_by" uuid`,
          `"created_at" timestamptz not null default now()`,
          `"expires_at" timestamptz not null`,
          `"accepted_at" timestamptz`,
          `"accepted_by" uuid`,
          `"revoked_at" timestamptz`,
        ],
        indexes: [
          { name: 'invitations_hash', columns: `("tenant_id", "token_hash")`, unique: true },
          { name: 'invitations_by_created', columns: `("tenant_id", "created_at" desc, "id" desc)` },
        ],
        appPrivileges: ['select', 'insert', 'update'],
      }),
      ...createTenantTableSql({
        schema: 'tenancy',
        table: 'api_keys',
        columns: [
          `"name" text not null`,
          `"prefix" text not null`,
          `"key_hash" char(64) not null`,
          `"scopes" text[] not null`,
          `"created_by" uuid`,
          `"created_at" timestamptz not null default now()`,
          `"expires_at" timestamptz`,
          `"revoked_at" timestamptz`,
          `"last_used_at" timestamptz`,
        ],
        indexes: [{ name: 'api_keys_id', columns: `("id")`, unique: true }],
        appPrivileges: ['select', 'insert', 'update'],
      }),
      // Narrow system access: read memberships and tenant names; find keys by id and stamp their use.
      `grant select on tenancy.memberships, tenancy.tenants to ${system}`,
      `create policy memberships_system_read on tenancy.memberships for select to ${system} using (true)`,
      `create policy tenants_system_read on tenancy.tenants for select to ${system} using (true)`,
      `grant select, update (last_used_at) on tenancy.api_keys to ${system}`,
      `create policy api_keys_system_read on tenancy.api_keys for select to ${system} using (true)`,
      `create policy api_keys_system_stamp on tenancy.api_keys for update to ${system} using (true) with check (true)`,
    ];
    for (const statement of statements) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['api_keys', 'invitations', 'refresh_tokens', 'sessions', 'memberships', 'tenants', 'recovery_codes', 'users']) {
      await queryRunner.query(`drop table if exists tenancy.${table} cascade`);
    }
  }
}
