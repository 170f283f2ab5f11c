import { createTenantTableSql } from '@assay/shared/database';
import { MigrationInterface, QueryRunner } from 'typeorm';

const SCHEMA = 'assessments';

/**
 * The assurance record. `evidence_digests` is this service's projection of each piece of evidence
 * (kind, SHA-256, validity), kept from `evidence.processed`, so the report and the attestation can
 * name evidence by content. `attestations.canonical_version` says which canonical form the stored
 * `responses_sha256` was computed over (1: evidence ids only; 2: each evidence id with its SHA-256),
 * so attestations signed before stay verifiable. `assessment_records` (id = the assessment's) holds
 * what a completed assessment is served from: claims with their checks and evidence, disagreements,
 * score and attestations as they stood at completion (`json`, so it is served byte for byte as
 * stored); insert-only for the app role.
 */
export class AssuranceRecord1765300500000 implements MigrationInterface {
  name = 'AssuranceRecord1765300500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const statements = [
      ...createTenantTableSql({
        schema: SCHEMA,
        table: 'evidence_digests',
        columns: [
          `"supplier_id" uuid not null`,
          `"kind" text not null`,
          `"sha256" text not null`,
          `"valid_until" timestamptz`,
          `"event_at" timestamptz not null`,
          `"updated_at" timestamptz not null default now()`,
        ],
      }),
      `alter table "${SCHEMA}"."attestations" add column "canonical_version" smallint not null default 1 check ("canonical_version" in (1, 2))`,
      ...createTenantTableSql({
        schema: SCHEMA,
        table: 'assessment_records',
        columns: [`"record" json not null`, `"recorded_at" timestamptz not null default now()`],
        constraints: [`foreign key ("tenant_id", "id") references "${SCHEMA}"."assessments" ("tenant_id", "id")`],
        appPrivileges: ['select', 'insert'],
      }),
    ];
    for (const statement of statements) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`drop table if exists "${SCHEMA}"."assessment_records"`);
    await queryRunner.query(`alter table "${SCHEMA}"."attestations" drop column if exists "canonical_version"`);
    await queryRunner.query(`drop table if exists "${SCHEMA}"."evidence_digests"`);
  }
}
