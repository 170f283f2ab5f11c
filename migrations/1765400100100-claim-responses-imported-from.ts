import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An answer prefilled from a supplier's declaration (CycloneDX Attestations evidence) names that
 * evidence until the supplier confirms or changes it, as carried-forward answers do.
 */
export class ClaimResponsesImportedFrom1765400100100 implements MigrationInterface {
  name = 'ClaimResponsesImportedFrom1765400100100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`alter table "assessments"."claim_responses" add column "imported_from" uuid`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`alter table "assessments"."claim_responses" drop column if exists "imported_from"`);
  }
}
