import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Portal links of other kinds than the assessment link, in the same table (hashed, expiring,
 * revocable, bound to tenant, assessment and contact like every portal link):
 * - `link = 'renewal'`: scoped to one piece of supplier evidence (`evidence_id`), to upload its replacement;
 * - `link = 'findings'`: scoped to the findings of the supplier of the link's assessment.
 * `link` is null for assessment links.
 */
export class PortalLinkKinds1765302000000 implements MigrationInterface {
  name = 'PortalLinkKinds1765302000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of [
      `alter table "assessments"."portal_tokens" add column "link" text, add column "evidence_id" uuid`,
      `alter table "assessments"."portal_tokens" add constraint "portal_tokens_link_kind" check (
         ("link" is null and "evidence_id" is null) or ("link" = 'renewal' and "evidence_id" is not null) or ("link" = 'findings' and "evidence_id" is null))`,
      `create index "assessments_portal_tokens_by_evidence" on "assessments"."portal_tokens" ("tenant_id", "evidence_id") where "evidence_id" is not null`,
    ]) {
      await queryRunner.query(statement);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const statement of [
      `delete from "assessments"."portal_tokens" where "link" is not null`,
      `drop index if exists "assessments"."assessments_portal_tokens_by_evidence"`,
      `alter table "assessments"."portal_tokens" drop constraint if exists "portal_tokens_link_kind"`,
      `alter table "assessments"."portal_tokens" drop column if exists "evidence_id", drop column if exists "link"`,
    ]) {
      await queryRunner.query(statement);
    }
  }
}
