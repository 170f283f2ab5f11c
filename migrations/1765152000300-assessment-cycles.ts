import { migrationRoles, quoteIdent } from '@assay/shared/database';
import { MigrationInterface, QueryRunner } from 'typeorm';

const SCHEMA = 'assessments';
const OPENERS = ['user', 'schedule', 'trigger:evidence_expired', 'trigger:evidence_failed', 'trigger:end_of_support', 'trigger:finding_overdue'];

/**
 * Assessment cycles over time. `opened_by` says who opened each assessment (existing rows: `schedule`
 * where the reassessment scheduler opened them, known by their `cycle_due_at`, else `user`).
 * `previous_assessment_id` names the completed assessment a new one carried its answers forward from,
 * and `carried_forward` marks each response copied from it until the supplier confirms or changes it.
 */
export class AssessmentCycles1765152000300 implements MigrationInterface {
  name = 'AssessmentCycles1765152000300';

  async up(queryRunner: QueryRunner): Promise<void> {
    const openers = OPENERS.map((value) => `'${value}'`).join(', ');
    await queryRunner.query(
      `alter table "${SCHEMA}"."assessments" add column "opened_by" text not null default 'user' constraint "assessments_opened_by_check" check ("opened_by" in (${openers}))`,
    );
    await queryRunner.query(`update "${SCHEMA}"."assessments" set "opened_by" = 'schedule' where "cycle_due_at" is not null`);
    await queryRunner.query(`alter table "${SCHEMA}"."assessments" add column "previous_assessment_id" uuid`);
    await queryRunner.query(
      `alter table "${SCHEMA}"."assessments" add constraint "assessments_previous_fk" foreign key ("tenant_id", "previous_assessment_id") references "${SCHEMA}"."assessments" ("tenant_id", "id")`,
    );
    await queryRunner.query(`alter table "${SCHEMA}"."claim_responses" add column "carried_forward" boolean not null default false`);
    // The scheduler's fan-out (as the system role) skips suppliers with a scheduled or triggered cycle still open.
    await queryRunner.query(`grant select ("status") on "${SCHEMA}"."assessments" to ${quoteIdent(migrationRoles().systemRole)}`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`revoke select ("status") on "${SCHEMA}"."assessments" from ${quoteIdent(migrationRoles().systemRole)}`);
    await queryRunner.query(`alter table "${SCHEMA}"."claim_responses" drop column if exists "carried_forward"`);
    await queryRunner.query(`alter table "${SCHEMA}"."assessments" drop constraint if exists "assessments_previous_fk"`);
    await queryRunner.query(`alter table "${SCHEMA}"."assessments" drop column if exists "previous_assessment_id"`);
    await queryRunner.query(`alter table "${SCHEMA}"."assessments" drop column if exists "opened_by"`);
  }
}
