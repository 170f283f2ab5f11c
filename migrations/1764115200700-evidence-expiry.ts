import { createTenantTableSql } from '@assay/shared/database';
import { MigrationInterface, QueryRunner } from 'typeorm';

const SCHEMA = 'evidence';

/**
 * The evidence service's projection of assessments (which supplier and product each belongs to, and
 * whether it is open to the supplier), kept from the assessments service's events so the supplier
 * portal can submit evidence bound to its assessment; and an index for the expiry tick.
 */
export class EvidenceExpiry1764115200700 implements MigrationInterface {
  name = 'EvidenceExpiry1764115200700';

  async up(queryRunner: QueryRunner): Promise<void> {
    const statements = createTenantTableSql({
      schema: SCHEMA,
      table: 'assessments',
      columns: [
        `"supplier_id" uuid not null`,
        `"product_id" uuid`,
        `"status" text not null`,
        `"event_at" timestamptz not null`,
        `"updated_at" timestamptz not null default date_trunc('milliseconds', now())`,
      ],
    });
    // The expiry tick looks only at processed evidence not yet announced as expired; announced rows leave the index.
    statements.push(
      `create index "evidence_evidence_expiry_due" on "${SCHEMA}"."evidence" ("valid_until", "tenant_id") where "status" = 'processed' and "valid_until" is not null and "expired_notified_at" is null`,
    );
    for (const statement of statements) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`drop index if exists "${SCHEMA}"."evidence_evidence_expiry_due"`);
    await queryRunner.query(`drop table if exists "${SCHEMA}"."assessments"`);
  }
}
