import { createTenantTableSql } from '@assay/shared/database';
import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A supplier answers an inquiry by uploading a VEX through its inquiry link:
 * - `evidence.inquiry_vex_uploads`: one per inquiry and piece of evidence, with the contact whose link
 *   uploaded it and, once the worker has read the VEX, what came of it (`answered`, `unanswered`,
 *   `rejected`), the answer taken from it or the problem that kept it from answering. `settled_at` is
 *   set once, in the transaction that applies the VEX, so a replay settles nothing twice.
 * - `evidence.inquiries.answer_evidence_id`: the VEX an answer was taken from (null for an answer
 *   given on the page). Exposures of such an inquiry keep the VEX statements' own status and words.
 */
export class InquiryVexUploads1765500200000 implements MigrationInterface {
  name = 'InquiryVexUploads1765500200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of [
      `alter table "evidence"."inquiries" add column "answer_evidence_id" uuid`,
      `alter table "evidence"."inquiries" add constraint "inquiries_answer_evidence" foreign key ("tenant_id", "answer_evidence_id") references "evidence"."evidence" ("tenant_id", "id")`,
      ...createTenantTableSql({
        schema: 'evidence',
        table: 'inquiry_vex_uploads',
        columns: [
          `"inquiry_id" uuid not null`,
          `"evidence_id" uuid not null`,
          `"contact_id" uuid`,
          `"outcome" text check ("outcome" in ('answered', 'unanswered', 'rejected'))`,
          `"answer" jsonb`,
          `"problem" jsonb`,
          `"created_at" timestamptz not null`,
          `"settled_at" timestamptz`,
        ],
        constraints: [
          `check (("outcome" is null) = ("settled_at" is null))`,
          `check (("outcome" = 'answered') = ("answer" is not null))`,
          `unique ("tenant_id", "inquiry_id", "evidence_id")`,
          `foreign key ("tenant_id", "inquiry_id") references "evidence"."inquiries" ("tenant_id", "id")`,
          `foreign key ("tenant_id", "evidence_id") references "evidence"."evidence" ("tenant_id", "id")`,
        ],
        indexes: [{ name: 'evidence_inquiry_vex_uploads_pending', columns: `("tenant_id", "evidence_id")`, where: `"settled_at" is null` }],
      }),
    ]) {
      await queryRunner.query(statement);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`drop table if exists "evidence"."inquiry_vex_uploads"`);
    await queryRunner.query(`alter table "evidence"."inquiries" drop constraint if exists "inquiries_answer_evidence"`);
    await queryRunner.query(`alter table "evidence"."inquiries" drop column if exists "answer_evidence_id"`);
  }
}
