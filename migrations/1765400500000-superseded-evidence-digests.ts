import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `evidence_digests.superseded_by`: the piece that replaced this one through a renewal (set from
 * `evidence.renewed`). A superseded piece's `evidence.processed`, replayed or late, no longer brings
 * its checks back to open assessments: the replacement's checks stand. Evidence renewed before this
 * migration is marked from the evidence service's own record of the replacement.
 */
export class SupersededEvidenceDigests1765400500000 implements MigrationInterface {
  name = 'SupersededEvidenceDigests1765400500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`alter table "assessments"."evidence_digests" add column "superseded_by" uuid`);
    await queryRunner.query(
      `update "assessments"."evidence_digests" d set "superseded_by" = e."superseded_by"
       from "evidence"."evidence" e
       where e."tenant_id" = d."tenant_id" and e."id" = d."id" and e."superseded_by" is not null`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`alter table "assessments"."evidence_digests" drop column if exists "superseded_by"`);
  }
}
