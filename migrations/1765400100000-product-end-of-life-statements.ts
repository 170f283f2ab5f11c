import { createTenantTableSql } from '@assay/shared/database';
import { MigrationInterface, QueryRunner } from 'typeorm';

const SCHEMA = 'assessments';

/**
 * The end-of-life statements (`end_of_life` evidence) the assessments service has applied to a
 * product's end of support, one row per evidence (its id): a redelivered statement finds its row and
 * changes nothing, and an older statement arriving after a newer one is recorded but not applied.
 */
export class ProductEndOfLifeStatements1765400100000 implements MigrationInterface {
  name = 'ProductEndOfLifeStatements1765400100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const statements = createTenantTableSql({
      schema: SCHEMA,
      table: 'product_end_of_life_statements',
      columns: [
        `"product_id" uuid not null`,
        `"format" text not null`,
        `"end_of_support_at" timestamptz not null`,
        `"end_of_life_at" timestamptz`,
        `"stated_at" timestamptz`,
        `"applied" boolean not null`,
        `"received_at" timestamptz not null default app.now()`,
      ],
      constraints: [`foreign key ("tenant_id", "product_id") references "${SCHEMA}"."products" ("tenant_id", "id") on delete cascade`],
      indexes: [{ name: 'assessments_product_end_of_life_statements_product', columns: '("tenant_id", "product_id", "stated_at" desc)' }],
      appPrivileges: ['select', 'insert'],
    });
    for (const statement of statements) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`drop table if exists "${SCHEMA}"."product_end_of_life_statements"`);
  }
}
