import { createTenantTableSql } from '@assay/shared/database';
import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The assessments service's projection of each organisation's members (`member.joined|updated|removed`
 * from tenancy), so a supplier's internal owner can only be a member of the same organisation. A
 * removed member keeps a row marked removed, so a replayed older event cannot bring them back. The
 * members known at migration time are copied from tenancy's memberships.
 */
export class AssessmentsMembers1764979200000 implements MigrationInterface {
  name = 'AssessmentsMembers1764979200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of createTenantTableSql({
      schema: 'assessments',
      table: 'members',
      columns: [`"role" text not null`, `"removed" boolean not null default false`, `"event_at" timestamptz not null`],
    })) {
      await queryRunner.query(statement);
    }
    await queryRunner.query(
      `insert into "assessments"."members" ("tenant_id", "id", "role", "event_at") select "tenant_id", "user_id", "role", "updated_at" from "tenancy"."memberships"`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`drop table if exists "assessments"."members"`);
  }
}
