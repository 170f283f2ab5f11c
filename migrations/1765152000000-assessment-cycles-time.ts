import { createTenantTableSql, migrationRoles, quoteIdent } from '@assay/shared/database';
import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Due dates that move:
 * - `assessments.extension_requests`: a supplier's request for more time and the customer's decision;
 *   at most one pending per assessment (a partial unique index).
 * - `assessments.overdue_notices`: one row per lapse, keyed by assessment and the due date that lapsed,
 *   written in the same transaction as its `assessment.overdue` event, so a killed worker emits none twice.
 * - the overdue tick's read of lapsed assessments (system role: id, status and due date only);
 * - `notifications.reminders`: a reminder step is unique per assessment *and due date*, so a step sent
 *   for the old date is sent again for a moved date; its `sent_at` is business time.
 */
export class AssessmentCyclesTime1765152000000 implements MigrationInterface {
  name = 'AssessmentCyclesTime1765152000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const system = quoteIdent(migrationRoles().systemRole);
    const statements = [
      // The overdue tick (system role, across tenants) reads which assessments lapsed, nothing else of them.
      `grant select ("id", "status", "due_at") on "assessments"."assessments" to ${system}`,
      `create index "assessments_answerable_due" on "assessments"."assessments" ("due_at") where "status" in ('sent', 'in_progress', 'returned')`,
      ...createTenantTableSql({
        schema: 'assessments',
        table: 'extension_requests',
        columns: [
          `"assessment_id" uuid not null`,
          `"contact_id" uuid not null`,
          `"requested_due_at" timestamptz not null`,
          `"reason" text not null`,
          `"status" text not null default 'pending' check ("status" in ('pending', 'approved', 'rejected'))`,
          `"previous_due_at" timestamptz not null`,
          `"created_at" timestamptz not null`,
          `"decided_at" timestamptz`,
          `"decided_by" uuid`,
          `"comment" text`,
        ],
        constraints: [`foreign key ("tenant_id", "assessment_id") references "assessments"."assessments" ("tenant_id", "id")`],
        indexes: [
          { name: 'assessments_extension_requests_by_assessment', columns: `("tenant_id", "assessment_id", "id")` },
          { name: 'assessments_extension_requests_one_pending', columns: `("tenant_id", "assessment_id")`, unique: true, where: `"status" = 'pending'` },
        ],
      }),
      ...createTenantTableSql({
        schema: 'assessments',
        table: 'overdue_notices',
        columns: [`"assessment_id" uuid not null`, `"due_at" timestamptz not null`, `"emitted_at" timestamptz not null`],
        constraints: [
          `unique ("tenant_id", "assessment_id", "due_at")`,
          `foreign key ("tenant_id", "assessment_id") references "assessments"."assessments" ("tenant_id", "id")`,
        ],
        appPrivileges: ['select', 'insert'],
        systemAccess: ['select'],
      }),
      `alter table "notifications"."reminders" drop constraint if exists "reminders_tenant_id_assessment_id_step_key"`,
      `alter table "notifications"."reminders" add constraint "reminders_tenant_id_assessment_id_step_due_at_key" unique ("tenant_id", "assessment_id", "step", "due_at")`,
      `alter table "notifications"."reminders" alter column "sent_at" set default date_trunc('milliseconds', "app"."now"())`,
    ];
    for (const statement of statements) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`drop index if exists "assessments"."assessments_answerable_due"`);
    await queryRunner.query(`revoke select ("id", "status", "due_at") on "assessments"."assessments" from ${quoteIdent(migrationRoles().systemRole)}`);
    await queryRunner.query(`alter table "notifications"."reminders" alter column "sent_at" set default date_trunc('milliseconds', now())`);
    await queryRunner.query(`alter table "notifications"."reminders" drop constraint if exists "reminders_tenant_id_assessment_id_step_due_at_key"`);
    await queryRunner.query(
      `alter table "notifications"."reminders" add constraint "reminders_tenant_id_assessment_id_step_key" unique ("tenant_id", "assessment_id", "step")`,
    );
    await queryRunner.query(`drop table if exists "assessments"."overdue_notices"`);
    await queryRunner.query(`drop table if exists "assessments"."extension_requests"`);
  }
}
