import { createTenantTableSql } from '@assay/shared/database';
import { MigrationInterface, QueryRunner } from 'typeorm';

const SCHEMA = 'assessments';

/**
 * Review and closing of assessments (per-claim verdicts, the return message, the conclusion and the
 * final score), findings, the automated check results consumed from the evidence service, and the
 * tenant settings this service needs (reassessment cadence). Suppliers carry their latest score and
 * open findings count, kept in the transactions that change them.
 */
export class AssessmentsReview1764115200500 implements MigrationInterface {
  name = 'AssessmentsReview1764115200500';

  async up(queryRunner: QueryRunner): Promise<void> {
    const statements = [
      `alter table "${SCHEMA}"."tenants" add column "settings" jsonb`,
      `alter table "${SCHEMA}"."assessments" add column "return_message" text, add column "conclusion" text, add column "score" jsonb, add column "overall_score" numeric(5,2)`,
      `alter table "${SCHEMA}"."suppliers" add column "latest_score" numeric(5,2), add column "open_findings" integer not null default 0 check ("open_findings" >= 0)`,
      ...createTenantTableSql({
        schema: SCHEMA,
        table: 'claim_reviews',
        columns: [
          `"assessment_id" uuid not null`,
          `"claim_id" text not null`,
          `"verdict" text not null check ("verdict" in ('accepted', 'returned'))`,
          `"comment" text`,
          `"reviewed_by" uuid`,
          `"reviewed_at" timestamptz not null default now()`,
        ],
        constraints: [
          `unique ("tenant_id", "assessment_id", "claim_id")`,
          `check ("verdict" = 'accepted' or "comment" is not null)`,
          `foreign key ("tenant_id", "assessment_id") references "${SCHEMA}"."assessments" ("tenant_id", "id")`,
        ],
      }),
      ...createTenantTableSql({
        schema: SCHEMA,
        table: 'findings',
        columns: [
          `"assessment_id" uuid not null`,
          `"supplier_id" uuid not null`,
          `"claim_id" text not null`,
          `"severity" text not null check ("severity" in ('critical', 'high', 'medium', 'low'))`,
          `"title" text not null`,
          `"description" text`,
          `"status" text not null default 'open' check ("status" in ('open', 'in_remediation', 'resolved', 'accepted_risk'))`,
          `"remediation_due_at" timestamptz`,
          `"risk_accepted_until" timestamptz`,
          `"remediation_plan" text`,
          `"supplier_agreed" boolean`,
          `"supplier_responded_at" timestamptz`,
          `"created_by" uuid`,
          `"created_at" timestamptz not null default now()`,
          `"updated_at" timestamptz not null default now()`,
        ],
        constraints: [
          `check ("status" <> 'accepted_risk' or "risk_accepted_until" is not null)`,
          `foreign key ("tenant_id", "assessment_id") references "${SCHEMA}"."assessments" ("tenant_id", "id")`,
          `foreign key ("tenant_id", "supplier_id") references "${SCHEMA}"."suppliers" ("tenant_id", "id")`,
        ],
        indexes: [
          { name: 'assessments_findings_by_supplier', columns: `("tenant_id", "supplier_id", "id" desc)` },
          { name: 'assessments_findings_by_status', columns: `("tenant_id", "status", "id" desc)` },
          { name: 'assessments_findings_by_assessment', columns: `("tenant_id", "assessment_id", "id")` },
        ],
      }),
      ...createTenantTableSql({
        schema: SCHEMA,
        table: 'check_results',
        columns: [
          `"assessment_id" uuid not null`,
          `"claim_id" text not null`,
          `"evidence_id" uuid not null`,
          `"check_key" text not null`,
          `"result" text not null check ("result" in ('pass', 'fail', 'warn', 'not_applicable', 'error'))`,
          `"detail" text not null default ''`,
          `"evidence_kind" text not null`,
          `"valid_until" timestamptz`,
          `"event_id" uuid not null`,
          `"event_at" timestamptz not null`,
          `"updated_at" timestamptz not null default now()`,
        ],
        constraints: [
          `unique ("tenant_id", "assessment_id", "claim_id", "evidence_id", "check_key")`,
          `foreign key ("tenant_id", "assessment_id") references "${SCHEMA}"."assessments" ("tenant_id", "id")`,
        ],
        indexes: [{ name: 'assessments_check_results_by_evidence', columns: `("tenant_id", "evidence_id")` }],
      }),
    ];
    for (const statement of statements) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['check_results', 'findings', 'claim_reviews']) await queryRunner.query(`drop table if exists "${SCHEMA}"."${table}"`);
    await queryRunner.query(`alter table "${SCHEMA}"."suppliers" drop column if exists "latest_score", drop column if exists "open_findings"`);
    await queryRunner.query(
      `alter table "${SCHEMA}"."assessments" drop column if exists "return_message", drop column if exists "conclusion", drop column if exists "score", drop column if exists "overall_score"`,
    );
    await queryRunner.query(`alter table "${SCHEMA}"."tenants" drop column if exists "settings"`);
  }
}
