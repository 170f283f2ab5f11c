import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The advisories of a supplier (`Supplier.advisories`) are read from its exposures: an index probe by
 * supplier, never a read of every exposure of the tenant.
 */
export class AdvisoryExposuresBySupplier1765302500000 implements MigrationInterface {
  name = 'AdvisoryExposuresBySupplier1765302500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `create index if not exists "evidence_advisory_exposures_by_supplier" on "evidence"."advisory_exposures" ("tenant_id", "supplier_id", "advisory_id")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`drop index if exists "evidence"."evidence_advisory_exposures_by_supplier"`);
  }
}
