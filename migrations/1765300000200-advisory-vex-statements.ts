import { createTenantTableSql } from '@assay/shared/database';
import { MigrationInterface, QueryRunner } from 'typeorm';

const SCHEMA = 'evidence';

/**
 * The statements of suppliers' VEX evidence, one row per vulnerability statement and package, read
 * for matching: an exposure of the same supplier, package and vulnerability takes the supplier's status.
 */
export class AdvisoryVexStatements1765300000200 implements MigrationInterface {
  name = 'AdvisoryVexStatements1765300000200';

  async up(queryRunner: QueryRunner): Promise<void> {
    const statements = createTenantTableSql({
      schema: SCHEMA,
      table: 'vex_statements',
      columns: [
        `"evidence_id" uuid not null`,
        `"supplier_id" uuid not null`,
        `"vulnerabilities" text[] not null`,
        `"purl" text not null`,
        `"purl_base" text not null`,
        `"status" text not null check ("status" in ('affected', 'not_affected', 'fixed', 'under_investigation'))`,
        `"statement" jsonb not null`,
      ],
      constraints: [`foreign key ("tenant_id", "evidence_id") references "${SCHEMA}"."evidence" ("tenant_id", "id") on delete cascade`],
      indexes: [
        { name: 'evidence_vex_statements_by_evidence', columns: `("tenant_id", "evidence_id")` },
        { name: 'evidence_vex_statements_by_supplier_purl', columns: `("tenant_id", "supplier_id", "purl_base")` },
      ],
    });
    for (const statement of statements) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`drop table if exists "${SCHEMA}"."vex_statements"`);
  }
}
