import { createOutboxTableSql, createServiceSchemaSql } from '@assay/shared/database';
import { MigrationInterface, QueryRunner } from 'typeorm';

const SCHEMAS = ['tenancy', 'assessments', 'evidence', 'notifications'];

/** One schema per service, each with its transactional outbox. */
export class ServiceSchemas1764028800000 implements MigrationInterface {
  name = 'ServiceSchemas1764028800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const schema of SCHEMAS) {
      for (const statement of [...createServiceSchemaSql(schema), ...createOutboxTableSql(schema)]) await queryRunner.query(statement);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const schema of [...SCHEMAS].reverse()) await queryRunner.query(`drop schema if exists "${schema}" cascade`);
  }
}
