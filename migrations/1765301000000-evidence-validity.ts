import { createReminderTableSql, createTenantTableSql, migrationRoles, quoteIdent } from '@assay/shared/database';
import { MigrationInterface, QueryRunner } from 'typeorm';

const EVIDENCE_STATUSES = ['pending', 'processing', 'processed', 'failed', 'rejected', 'superseded'];

/**
 * Evidence and findings that stay current:
 * - evidence carries the validity its submitter declared (`valid_from`, `declared_valid_until`), a
 *   `title`, the validity its content gives (`content_valid_until`; `valid_until` stays the effective
 *   date: the earlier of the two), and the renewal links `supersedes` / `superseded_by`; a superseded
 *   piece has status `superseded`;
 * - `evidence.tenants`: this service's projection of the tenant settings it needs (how many days
 *   ahead `evidence.expiring` warns), kept from tenancy's events; the expiry tick reads it as the system role;
 * - findings remember when their lapse was announced (`overdue_notified_at`, for the remediation due
 *   date it names) and the overdue/risk-acceptance tick (system role) reads which findings are due;
 * - `notifications.finding_reminders`: per finding, what remediation reminders to the supplier's
 *   contacts are planned from (kept from `finding.*` events) and the steps already sent.
 */
export class EvidenceValidity1765301000000 implements MigrationInterface {
  name = 'EvidenceValidity1765301000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const system = quoteIdent(migrationRoles().systemRole);
    const statuses = EVIDENCE_STATUSES.map((value) => `'${value}'`).join(', ');
    const statements = [
      `alter table "evidence"."evidence" add column "valid_from" timestamptz, add column "declared_valid_until" timestamptz,
         add column "content_valid_until" timestamptz, add column "title" text, add column "supersedes" uuid, add column "superseded_by" uuid`,
      `update "evidence"."evidence" set "content_valid_until" = "valid_until"`,
      `alter table "evidence"."evidence" add constraint "evidence_validity_order" check ("valid_from" is null or "declared_valid_until" is null or "valid_from" <= "declared_valid_until")`,
      `alter table "evidence"."evidence" drop constraint if exists "evidence_status_check"`,
      `alter table "evidence"."evidence" add constraint "evidence_status_check" check ("status" in (${statuses}))`,
      `create index "evidence_evidence_supersedes" on "evidence"."evidence" ("tenant_id", "supersedes") where "supersedes" is not null`,
      ...createTenantTableSql({
        schema: 'evidence',
        table: 'tenants',
        columns: [
          `"expiry_notice_days" integer not null default 30 check ("expiry_notice_days" between 0 and 3650)`,
          `"event_at" timestamptz not null`,
          `"updated_at" timestamptz not null default date_trunc('milliseconds', now())`,
        ],
        systemAccess: ['select'],
      }),
      `alter table "assessments"."findings" add column "overdue_notified_at" timestamptz, add column "overdue_notified_for" timestamptz`,
      `grant select ("tenant_id", "id", "status", "remediation_due_at", "risk_accepted_until", "overdue_notified_for") on "assessments"."findings" to ${system}`,
      `create policy "findings_system_due" on "assessments"."findings" for select to ${system} using (true)`,
      `create index "assessments_findings_remediation_due" on "assessments"."findings" ("remediation_due_at") where "status" in ('open', 'in_remediation')`,
      `create index "assessments_findings_risk_accepted_until" on "assessments"."findings" ("risk_accepted_until") where "status" = 'accepted_risk'`,
      ...createReminderTableSql('finding_reminders', {
        subject: [
          `"assessment_id" uuid not null`,
          `"supplier_id" uuid not null`,
          `"supplier_name" text not null`,
          `"title" text not null`,
          `"severity" text not null`,
          `"remediation_due_at" timestamptz not null`,
        ],
      }),
    ];
    for (const statement of statements) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const system = quoteIdent(migrationRoles().systemRole);
    const statements = [
      `drop table if exists "notifications"."finding_reminders"`,
      `drop index if exists "assessments"."assessments_findings_risk_accepted_until"`,
      `drop index if exists "assessments"."assessments_findings_remediation_due"`,
      `drop policy if exists "findings_system_due" on "assessments"."findings"`,
      `revoke select on "assessments"."findings" from ${system}`,
      `alter table "assessments"."findings" drop column if exists "overdue_notified_for", drop column if exists "overdue_notified_at"`,
      `drop table if exists "evidence"."tenants"`,
      `drop index if exists "evidence"."evidence_evidence_supersedes"`,
      `update "evidence"."evidence" set "status" = 'processed' where "status" = 'superseded'`,
      `alter table "evidence"."evidence" drop constraint if exists "evidence_status_check"`,
      `alter table "evidence"."evidence" add constraint "evidence_status_check" check ("status" in (${EVIDENCE_STATUSES.slice(0, -1)
        .map((value) => `'${value}'`)
        .join(', ')}))`,
      `alter table "evidence"."evidence" drop constraint if exists "evidence_validity_order"`,
      `alter table "evidence"."evidence" drop column if exists "superseded_by", drop column if exists "supersedes", drop column if exists "title",
         drop column if exists "content_valid_until", drop column if exists "declared_valid_until", drop column if exists "valid_from"`,
    ];
    for (const statement of statements) await queryRunner.query(statement);
  }
}
