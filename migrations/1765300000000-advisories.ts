import { createTenantTableSql } from '@assay/shared/database';
import { MigrationInterface, QueryRunner } from 'typeorm';

const SCHEMA = 'evidence';

/**
 * Vulnerability advisories of each tenant: the documents submitted (OSV, CSAF, the CISA KEV
 * catalogue) and their processing, the advisories read from them (one row per source and id, kept at
 * its newest `modified`: a record version is never imported twice), the packages each names (by
 * versionless purl, indexed for matching against stored components) and the CVEs the KEV catalogue
 * lists as exploited.
 */
export class Advisories1765300000000 implements MigrationInterface {
  name = 'Advisories1765300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const statements = [
      ...createTenantTableSql({
        schema: SCHEMA,
        table: 'advisory_imports',
        columns: [
          `"format" text check ("format" in ('osv', 'csaf', 'kev'))`,
          `"status" text not null check ("status" in ('pending', 'processing', 'processed', 'failed'))`,
          `"sha256" text not null check ("sha256" ~ '^[0-9a-f]{64}$')`,
          `"size" bigint not null`,
          `"attempts" integer not null default 0`,
          `"error" text`,
          `"outcome" jsonb not null default '{}'`,
          `"submitted_by" text`,
          `"created_at" timestamptz not null default date_trunc('milliseconds', now())`,
          `"processed_at" timestamptz`,
        ],
        indexes: [{ name: 'evidence_advisory_imports_pending', columns: `("created_at")`, where: `"status" in ('pending', 'processing')` }],
        systemAccess: ['select'],
      }),
      ...createTenantTableSql({
        schema: SCHEMA,
        table: 'advisories',
        columns: [
          `"source" text not null check ("source" in ('osv', 'csaf'))`,
          `"external_id" text not null`,
          `"external_ids" text[] not null`,
          `"summary" text`,
          `"severity" text`,
          `"published" timestamptz`,
          `"modified" timestamptz not null`,
          `"kev" boolean not null default false`,
          `"affected" jsonb not null default '[]'`,
          `"notes" text[] not null default '{}'`,
          `"import_id" uuid`,
          `"created_at" timestamptz not null default date_trunc('milliseconds', now())`,
          `"updated_at" timestamptz not null default date_trunc('milliseconds', now())`,
        ],
        constraints: [`unique ("tenant_id", "source", "external_id")`],
        indexes: [{ name: 'evidence_advisories_by_external_ids', columns: `using gin ("external_ids")` }],
      }),
      ...createTenantTableSql({
        schema: SCHEMA,
        table: 'advisory_packages',
        columns: [
          `"advisory_id" uuid not null`,
          `"purl_base" text not null`,
          `"ranges" jsonb not null default '[]'`,
          `"versions" text[] not null default '{}'`,
          `"status" text`,
        ],
        constraints: [`foreign key ("tenant_id", "advisory_id") references "${SCHEMA}"."advisories" ("tenant_id", "id") on delete cascade`],
        indexes: [
          { name: 'evidence_advisory_packages_by_purl_base', columns: `("tenant_id", "purl_base")` },
          { name: 'evidence_advisory_packages_by_advisory', columns: `("tenant_id", "advisory_id")` },
        ],
      }),
      ...createTenantTableSql({
        schema: SCHEMA,
        table: 'kev_entries',
        columns: [
          `"cve" text not null`,
          `"date_added" text`,
          `"due_date" text`,
          `"name" text`,
          `"known_ransomware_campaign_use" text`,
          `"updated_at" timestamptz not null default date_trunc('milliseconds', now())`,
        ],
        constraints: [`unique ("tenant_id", "cve")`],
      }),
    ];
    for (const statement of statements) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['kev_entries', 'advisory_packages', 'advisories', 'advisory_imports'])
      await queryRunner.query(`drop table if exists "${SCHEMA}"."${table}"`);
  }
}
