import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * API keys stay distributable by tenant_id: the unique index on the id alone (a key is found by its id
 * before the tenant is known) becomes a plain index. The id stays unique through the primary key
 * (tenant_id, id) within a tenant and through UUIDv7 minting across tenants; a unique index without
 * tenant_id cannot exist on a table distributed by it.
 */
export class ApiKeysDistributable1765400300000 implements MigrationInterface {
  name = 'ApiKeysDistributable1765400300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`create index "tenancy_api_keys_by_id" on "tenancy"."api_keys" ("id")`);
    await queryRunner.query(`drop index "tenancy"."api_keys_id"`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`create unique index "api_keys_id" on "tenancy"."api_keys" ("id")`);
    await queryRunner.query(`drop index "tenancy"."tenancy_api_keys_by_id"`);
  }
}
