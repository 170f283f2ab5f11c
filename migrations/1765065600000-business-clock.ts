import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `app.now()`: business time in SQL. Each unit of work binds `app.now` to its process's clock (see
 * `TenantDatabase`), so a due date, an expiry or a reminder step that SQL compares is compared with the
 * same "now" as the code that asked. Outside a unit of work that binds it, it is the database's `now()`.
 * It reads no row, so comparisons with it stay index conditions under row-level security.
 */
export class BusinessClock1765065600000 implements MigrationInterface {
  name = 'BusinessClock1765065600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`create schema if not exists "app"`);
    await queryRunner.query(`grant usage on schema "app" to public`);
    await queryRunner.query(
      `create or replace function "app"."now"() returns timestamptz language sql stable parallel safe
       as $$ select coalesce(nullif(current_setting('app.now', true), '')::timestamptz, pg_catalog.now()) $$`,
    );
    await queryRunner.query(`grant execute on function "app"."now"() to public`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`drop schema if exists "app" cascade`);
  }
}
