import { createReminderTableSql, createTenantTableSql } from '@assay/shared/database';
import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Supplier inquiries about advisories, and the portal link kind that answers them:
 * - `evidence.inquiries`: one per advisory and supplier (unique), with its due date, status
 *   (`sent`, `overdue`, `answered`) and the supplier's answer in OpenVEX terms; the advisory and the
 *   supplier are foreign keys with the tenant. The overdue tick finds the tenants with an inquiry past
 *   due across tenants (system role, read only).
 * - `assessments.portal_tokens.link = 'inquiry'`: scoped to one inquiry (`inquiry_id`, an id of the
 *   evidence service, so no foreign key across schemas), hashed, expiring and revocable like every
 *   portal link.
 * - `notifications.inquiry_reminders`: per inquiry, what its reminders and escalations are planned from
 *   (kept from `inquiry.*` events: the contacts with their sealed links, the due date, the internal
 *   owner) and the steps already sent; the reminders tick (system role) reads which are due.
 */
export class Inquiries1765400000000 implements MigrationInterface {
  name = 'Inquiries1765400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of [
      ...createTenantTableSql({
        schema: 'evidence',
        table: 'inquiries',
        columns: [
          `"advisory_id" uuid not null`,
          `"supplier_id" uuid not null`,
          `"due_at" timestamptz not null`,
          `"status" text not null default 'sent' check ("status" in ('sent', 'overdue', 'answered'))`,
          `"answer" jsonb`,
          `"answered_at" timestamptz`,
          `"answered_by_contact_id" uuid`,
          `"answer_revision" integer not null default 0`,
          `"overdue_at" timestamptz`,
          `"created_by" text`,
          `"created_at" timestamptz not null`,
        ],
        constraints: [
          `check (("status" = 'answered') = ("answer" is not null))`,
          `unique ("tenant_id", "advisory_id", "supplier_id")`,
          `foreign key ("tenant_id", "advisory_id") references "evidence"."advisories" ("tenant_id", "id")`,
          `foreign key ("tenant_id", "supplier_id") references "evidence"."suppliers" ("tenant_id", "id")`,
        ],
        indexes: [
          { name: 'evidence_inquiries_by_supplier', columns: `("tenant_id", "supplier_id")` },
          { name: 'evidence_inquiries_listing', columns: `("tenant_id", "created_at" desc, "id" desc)` },
          { name: 'evidence_inquiries_due', columns: `("due_at")`, where: `"status" = 'sent'` },
        ],
        systemAccess: ['select'],
      }),
      `alter table "assessments"."portal_tokens" add column "inquiry_id" uuid`,
      `alter table "assessments"."portal_tokens" drop constraint "portal_tokens_link_kind"`,
      `alter table "assessments"."portal_tokens" add constraint "portal_tokens_link_kind" check (
         ("link" is null and "evidence_id" is null and "inquiry_id" is null)
         or ("link" = 'renewal' and "evidence_id" is not null and "inquiry_id" is null)
         or ("link" = 'findings' and "evidence_id" is null and "inquiry_id" is null)
         or ("link" = 'inquiry' and "inquiry_id" is not null and "evidence_id" is null))`,
      `create index "assessments_portal_tokens_by_inquiry" on "assessments"."portal_tokens" ("tenant_id", "inquiry_id") where "inquiry_id" is not null`,
      ...createReminderTableSql('inquiry_reminders', {
        subject: [`"supplier_id" uuid not null`, `"supplier_name" text not null`, `"vulnerability" text not null`, `"due_at" timestamptz not null`],
        audience: [`"internal_owner_user_id" uuid`],
      }),
    ]) {
      await queryRunner.query(statement);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const statement of [
      `drop table if exists "notifications"."inquiry_reminders"`,
      `delete from "assessments"."portal_tokens" where "link" = 'inquiry'`,
      `drop index if exists "assessments"."assessments_portal_tokens_by_inquiry"`,
      `alter table "assessments"."portal_tokens" drop constraint if exists "portal_tokens_link_kind"`,
      `alter table "assessments"."portal_tokens" add constraint "portal_tokens_link_kind" check (
         ("link" is null and "evidence_id" is null) or ("link" = 'renewal' and "evidence_id" is not null) or ("link" = 'findings' and "evidence_id" is null))`,
      `alter table "assessments"."portal_tokens" drop column if exists "inquiry_id"`,
      `drop table if exists "evidence"."inquiries"`,
    ]) {
      await queryRunner.query(statement);
    }
  }
}
