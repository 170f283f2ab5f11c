import { createServiceSchemaSql, createTenantTableSql } from '@assay/shared/database';
import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit log: one append-only, hash-chained table per tenant shared by every service, written in
 * the same transaction as the change it records. The app role may INSERT and SELECT, never UPDATE or
 * DELETE, and nothing else may write it.
 */
export class AuditLog1764115200000 implements MigrationInterface {
  name = 'AuditLog1764115200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const statements = [
      ...createServiceSchemaSql('audit'),
      ...createTenantTableSql({
        schema: 'audit',
        table: 'events',
        columns: [
          `"seq" bigint not null`,
          `"occurred_at" timestamptz not null`,
          `"service" text not null`,
          `"actor_kind" text not null`,
          `"actor_id" text`,
          `"action" text not null`,
          `"target_type" text not null`,
          `"target_id" text`,
          `"request_id" text`,
          `"changes" jsonb not null`,
          `"prev_hash" char(64) not null`,
          `"hash" char(64) not null`,
        ],
        constraints: [`unique ("tenant_id", "seq")`, `check ("seq" > 0)`],
        indexes: [{ name: 'audit_events_target', columns: `("tenant_id", "target_type", "target_id", "seq")` }],
        appPrivileges: ['select', 'insert'],
      }),
    ];
    for (const statement of statements) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`drop schema if exists "audit" cascade`);
  }
}
