import { migrationRoles, quoteIdent } from '@assay/shared/database';
import { MigrationInterface, QueryRunner } from 'typeorm';

const SCHEMA = 'assessments';

/**
 * Scheduled reassessment: an assessment opened for a supplier's due date records that date
 * (`cycle_due_at`), unique per supplier, so however many workers tick only one opens per cycle. The
 * system role reads just enough of suppliers and assessments to find the tenants with one due.
 */
export class AssessmentsReport1764115200600 implements MigrationInterface {
  name = 'AssessmentsReport1764115200600';

  async up(queryRunner: QueryRunner): Promise<void> {
    const system = quoteIdent(migrationRoles().systemRole);
    const statements = [
      `alter table "${SCHEMA}"."assessments" add column "cycle_due_at" timestamptz`,
      `create unique index "assessments_one_per_cycle" on "${SCHEMA}"."assessments" ("tenant_id", "supplier_id", "cycle_due_at") where "cycle_due_at" is not null`,
      `create index "assessments_suppliers_next_due" on "${SCHEMA}"."suppliers" ("next_assessment_due_at") where "status" = 'active' and "next_assessment_due_at" is not null`,
      `grant select ("tenant_id", "id", "status", "next_assessment_due_at") on "${SCHEMA}"."suppliers" to ${system}`,
      `create policy "suppliers_system_due" on "${SCHEMA}"."suppliers" for select to ${system} using (true)`,
      `grant select ("tenant_id", "supplier_id", "cycle_due_at") on "${SCHEMA}"."assessments" to ${system}`,
      `create policy "assessments_system_cycles" on "${SCHEMA}"."assessments" for select to ${system} using (true)`,
      `grant usage on schema "${SCHEMA}" to ${system}`,
    ];
    for (const statement of statements) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const system = quoteIdent(migrationRoles().systemRole);
    await queryRunner.query(`drop policy if exists "assessments_system_cycles" on "${SCHEMA}"."assessments"`);
    await queryRunner.query(`drop policy if exists "suppliers_system_due" on "${SCHEMA}"."suppliers"`);
    await queryRunner.query(`revoke select on "${SCHEMA}"."assessments" from ${system}`);
    await queryRunner.query(`revoke select on "${SCHEMA}"."suppliers" from ${system}`);
    await queryRunner.query(`drop index if exists "${SCHEMA}"."assessments_suppliers_next_due"`);
    await queryRunner.query(`drop index if exists "${SCHEMA}"."assessments_one_per_cycle"`);
    await queryRunner.query(`alter table "${SCHEMA}"."assessments" drop column if exists "cycle_due_at"`);
  }
}
