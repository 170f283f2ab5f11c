import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Component search by name under row-level security. `lower(name)` is not leakproof, so Postgres
 * will not evaluate it inside an index scan ahead of the tenant policy: the old expression index
 * `(tenant_id, lower(name), version)` could only narrow by tenant (and version), and the search read
 * every component of the tenant. A stored `name_key` (the lower-cased name) is compared with plain,
 * leakproof text equality, so `(tenant_id, name_key, version)` answers from the index at any size.
 */
export class EvidenceComponentNameKey1764979200100 implements MigrationInterface {
  name = 'EvidenceComponentNameKey1764979200100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`alter table "evidence"."components" add column "name_key" text generated always as (lower("name")) stored`);
    await queryRunner.query(`drop index if exists "evidence"."evidence_components_by_name"`);
    await queryRunner.query(`create index "evidence_components_by_name_key" on "evidence"."components" ("tenant_id", "name_key", "version")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`drop index if exists "evidence"."evidence_components_by_name_key"`);
    await queryRunner.query(`alter table "evidence"."components" drop column if exists "name_key"`);
    await queryRunner.query(`create index "evidence_components_by_name" on "evidence"."components" ("tenant_id", lower("name"), "version")`);
  }
}
