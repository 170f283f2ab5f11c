import { createTenantTableSql } from '@assay/shared/database';
import { MigrationInterface, QueryRunner } from 'typeorm';

const SCHEMA = 'evidence';

/**
 * Advisory feeds a tenant registers: a URL and its format, with what the last poll learned (the
 * validators for a conditional request, its status and error) and when the next one is due.
 */
export class AdvisoryFeeds1765302500100 implements MigrationInterface {
  name = 'AdvisoryFeeds1765302500100';

  async up(queryRunner: QueryRunner): Promise<void> {
    const statements = createTenantTableSql({
      schema: SCHEMA,
      table: 'advisory_feeds',
      columns: [
        `"url" text not null`,
        `"format" text not null check ("format" in ('osv', 'csaf-provider', 'kev'))`,
        `"status" text not null default 'ok' check ("status" in ('ok', 'failing'))`,
        `"etag" text`,
        `"last_modified" text`,
        `"last_polled_at" timestamptz`,
        `"last_error" text`,
        `"failures" integer not null default 0`,
        `"next_poll_at" timestamptz not null`,
        `"created_by" text`,
        `"created_at" timestamptz not null`,
      ],
      indexes: [
        { name: 'evidence_advisory_feeds_url', columns: '("tenant_id", "url", "format")', unique: true },
        { name: 'evidence_advisory_feeds_due', columns: '("next_poll_at")' },
      ],
      // The feeds tick finds the tenants with a feed due, across tenants.
      systemAccess: ['select'],
    });
    for (const statement of statements) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`drop table if exists "${SCHEMA}"."advisory_feeds"`);
  }
}
