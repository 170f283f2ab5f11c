import { createTenantTableSql } from '@assay/shared/database';
import { MigrationInterface, QueryRunner } from 'typeorm';

const SCHEMA = 'evidence';

/**
 * Exposures: which stored components (by evidence and purl) an advisory names, with the status the
 * advisory's ranges give them and where that status came from. Unique per advisory, evidence and purl,
 * so matching run again (a retried job, both directions meeting) never writes one twice.
 */
export class AdvisoryExposures1765300000100 implements MigrationInterface {
  name = 'AdvisoryExposures1765300000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    const statements = createTenantTableSql({
      schema: SCHEMA,
      table: 'advisory_exposures',
      columns: [
        `"advisory_id" uuid not null`,
        `"evidence_id" uuid not null`,
        `"supplier_id" uuid not null`,
        `"product_id" uuid`,
        `"purl" text not null`,
        `"version" text`,
        `"status" text not null check ("status" in ('affected', 'not_affected', 'fixed', 'under_investigation'))`,
        `"status_source" text not null check ("status_source" in ('version', 'vex', 'inquiry'))`,
        `"statement" jsonb`,
        `"matched_at" timestamptz not null`,
      ],
      constraints: [
        `unique ("tenant_id", "advisory_id", "evidence_id", "purl")`,
        `foreign key ("tenant_id", "advisory_id") references "${SCHEMA}"."advisories" ("tenant_id", "id") on delete cascade`,
        `foreign key ("tenant_id", "evidence_id") references "${SCHEMA}"."evidence" ("tenant_id", "id") on delete cascade`,
      ],
      indexes: [
        { name: 'evidence_advisory_exposures_by_evidence', columns: `("tenant_id", "evidence_id")` },
        { name: 'evidence_advisory_exposures_by_purl', columns: `("tenant_id", "purl")` },
      ],
    });
    for (const statement of statements) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`drop table if exists "${SCHEMA}"."advisory_exposures"`);
  }
}
