import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `evidence_digests.superseded_by`: the piece that replaced this one through a renewal (set from
 * `evidence.renewed`). A superseded piece's `evidence.processed`, replayed or late, no longer brings
 * its checks back to open assessments: the replacement's checks stand.
 */
export class SupersededEvidenceDigests1765400500000 implements MigrationInterface {
  name = 'SupersededEvidenceDigests1765400500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`alter table "assessments"."evidence_digests" add column "superseded_by" uuid`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`alter table "assessments"."evidence_digests" drop column if exists "superseded_by"`);
  }
}
