import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A webhook attempt is claimed before it is sent: a worker takes a short lease on the delivery, so
 * two jobs for the same attempt (a sweep re-enqueueing a slow one, a job retried after a stall) can
 * never both call the receiver. A lease left by a crashed worker lapses and the sweep retries it.
 */
export class WebhookAttemptLease1764201600000 implements MigrationInterface {
  name = 'WebhookAttemptLease1764201600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`alter table "notifications"."webhook_deliveries" add column "attempt_lease_until" timestamptz`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`alter table "notifications"."webhook_deliveries" drop column if exists "attempt_lease_until"`);
  }
}
