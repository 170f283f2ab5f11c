import { createTenantTableSql } from '@assay/shared/database';
import { MigrationInterface, QueryRunner } from 'typeorm';

const SCHEMA = 'evidence';

/**
 * The evidence service: its projection of suppliers (fed by the assessments service's events), the
 * content-addressed blobs of each tenant, evidence records with their facts and checks, and the SBOM
 * components indexed for exposure search.
 */
export class Evidence1764115200400 implements MigrationInterface {
  name = 'Evidence1764115200400';

  async up(queryRunner: QueryRunner): Promise<void> {
    const statements = [
      ...createTenantTableSql({
        schema: SCHEMA,
        table: 'suppliers',
        columns: [
          `"name" text not null`,
          `"status" text not null check ("status" in ('active', 'offboarded'))`,
          `"owner_user_id" uuid`,
          `"event_at" timestamptz not null`,
          `"updated_at" timestamptz not null default date_trunc('milliseconds', now())`,
        ],
      }),
      ...createTenantTableSql({
        schema: SCHEMA,
        table: 'blobs',
        columns: [
          `"sha256" text not null check ("sha256" ~ '^[0-9a-f]{64}$')`,
          `"size" bigint not null`,
          `"storage_key" text not null`,
          `"created_at" timestamptz not null default date_trunc('milliseconds', now())`,
        ],
        constraints: [`unique ("tenant_id", "sha256")`],
      }),
      ...createTenantTableSql({
        schema: SCHEMA,
        table: 'evidence',
        columns: [
          `"supplier_id" uuid not null`,
          `"product_id" uuid`,
          `"assessment_id" uuid`,
          `"claim_ids" text[] not null default '{}'`,
          `"kind_hint" text`,
          `"kind" text`,
          `"status" text not null check ("status" in ('pending', 'processing', 'processed', 'failed', 'rejected'))`,
          `"source" text not null check ("source" in ('upload', 'url'))`,
          `"url" text`,
          `"filename" text`,
          `"sha256" text`,
          `"size" bigint`,
          `"media_type" text`,
          `"facts" jsonb not null default '{}'`,
          `"checks" jsonb not null default '[]'`,
          `"valid_until" timestamptz`,
          `"error" text`,
          `"uploaded_by" text`,
          `"attempts" int not null default 0`,
          `"created_at" timestamptz not null default date_trunc('milliseconds', now())`,
          `"processed_at" timestamptz`,
          `"expiring_notified_at" timestamptz`,
          `"expired_notified_at" timestamptz`,
        ],
        constraints: [`foreign key ("tenant_id", "supplier_id") references "${SCHEMA}"."suppliers" ("tenant_id", "id")`],
        indexes: [
          { name: 'evidence_evidence_by_id', columns: `("tenant_id", "id" desc)` },
          { name: 'evidence_evidence_by_supplier', columns: `("tenant_id", "supplier_id", "id" desc)` },
          { name: 'evidence_evidence_upload_once', columns: `("tenant_id", "supplier_id", "sha256")`, unique: true, where: `"source" = 'upload'` },
          { name: 'evidence_evidence_valid_until', columns: `("valid_until", "tenant_id")`, where: `"status" = 'processed' and "valid_until" is not null` },
        ],
        systemAccess: ['select'],
      }),
      ...createTenantTableSql({
        schema: SCHEMA,
        table: 'components',
        columns: [
          `"evidence_id" uuid not null`,
          `"supplier_id" uuid not null`,
          `"product_id" uuid`,
          `"purl" text`,
          `"purl_base" text`,
          `"name" text not null`,
          `"version" text`,
          `"type" text`,
          `"licences" text[] not null default '{}'`,
          `"hashes" jsonb not null default '{}'`,
        ],
        constraints: [`foreign key ("tenant_id", "evidence_id") references "${SCHEMA}"."evidence" ("tenant_id", "id") on delete cascade`],
        indexes: [
          { name: 'evidence_components_by_evidence', columns: `("tenant_id", "evidence_id")` },
          { name: 'evidence_components_by_purl', columns: `("tenant_id", "purl")`, where: `"purl" is not null` },
          { name: 'evidence_components_by_purl_base', columns: `("tenant_id", "purl_base")`, where: `"purl_base" is not null` },
          { name: 'evidence_components_by_name', columns: `("tenant_id", lower("name"), "version")` },
        ],
      }),
    ];
    for (const statement of statements) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['components', 'evidence', 'blobs', 'suppliers']) await queryRunner.query(`drop table if exists "${SCHEMA}"."${table}"`);
  }
}
