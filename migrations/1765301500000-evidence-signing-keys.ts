import { createTenantTableSql } from '@assay/shared/database';
import { MigrationInterface, QueryRunner } from 'typeorm';

const SCHEMA = 'evidence';

/** Public keys a tenant registers to verify DSSE envelopes (signed attestations) against. */
export class EvidenceSigningKeys1765301500000 implements MigrationInterface {
  name = 'EvidenceSigningKeys1765301500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const statements = createTenantTableSql({
      schema: SCHEMA,
      table: 'signing_keys',
      columns: [
        `"name" text not null`,
        `"key_id" text not null`,
        `"algorithm" text not null`,
        `"public_key" text not null`,
        `"created_at" timestamptz not null default app.now()`,
      ],
      indexes: [{ name: 'evidence_signing_keys_key_id', columns: '("tenant_id", "key_id")', unique: true }],
    });
    for (const statement of statements) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`drop table if exists "${SCHEMA}"."signing_keys"`);
  }
}
