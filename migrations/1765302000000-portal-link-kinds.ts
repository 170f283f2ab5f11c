import { createTenantTableSql } from '@assay/shared/database';
import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Portal links of other kinds than the assessment link, in the same table (hashed, expiring,
 * revocable, bound to tenant, assessment and contact like every portal link):
 * - `link = 'renewal'`: scoped to one piece of supplier evidence (`evidence_id`), to upload its replacement;
 * - `link = 'findings'`: scoped to the findings of the supplier of the link's assessment.
 * `link` is null for assessment links.
 * And `assessments.sign_off_requests`: who asked the Senior Responsible Owner to sign which
 * assessment when (at most one request per contact and assessment per hour of business time).
 */
export class PortalLinkKinds1765302000000 implements MigrationInterface {
  name = 'PortalLinkKinds1765302000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of [
      `alter table "assessments"."portal_tokens" add column "link" text, add column "evidence_id" uuid`,
      `alter table "assessments"."portal_tokens" add constraint "portal_tokens_link_kind" check (
         ("link" is null and "evidence_id" is null) or ("link" = 'renewal' and "evidence_id" is not null) or ("link" = 'findings' and "evidence_id" is null))`,
      `create index "assessments_portal_tokens_by_evidence" on "assessments"."portal_tokens" ("tenant_id", "evidence_id") where "evidence_id" is not null`,
      ...createTenantTableSql({
        schema: 'assessments',
        table: 'sign_off_requests',
        columns: [`"assessment_id" uuid not null`, `"contact_id" uuid not null`, `"portal_link_id" uuid not null`, `"requested_at" timestamptz not null`],
        constraints: [
          `foreign key ("tenant_id", "assessment_id") references "assessments"."assessments" ("tenant_id", "id")`,
          `foreign key ("tenant_id", "contact_id") references "assessments"."supplier_contacts" ("tenant_id", "id")`,
        ],
        indexes: [{ name: 'assessments_sign_off_requests_by_contact', columns: `("tenant_id", "assessment_id", "contact_id", "requested_at" desc)` }],
        appPrivileges: ['select', 'insert'],
      }),
    ]) {
      await queryRunner.query(statement);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const statement of [
      `drop table if exists "assessments"."sign_off_requests"`,
      `delete from "assessments"."portal_tokens" where "link" is not null`,
      `drop index if exists "assessments"."assessments_portal_tokens_by_evidence"`,
      `alter table "assessments"."portal_tokens" drop constraint if exists "portal_tokens_link_kind"`,
      `alter table "assessments"."portal_tokens" drop column if exists "evidence_id", drop column if exists "link"`,
    ]) {
      await queryRunner.query(statement);
    }
  }
}
