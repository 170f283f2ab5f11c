import { addColumnMigration } from '@assay/shared/database';

/**
 * A webhook attempt is claimed before it is sent: a worker takes a short lease on the delivery, so
 * two jobs for the same attempt (a sweep re-enqueueing a slow one, a job retried after a stall) can
 * never both call the receiver. A lease left by a crashed worker lapses and the sweep retries it.
 */
export const WebhookAttemptLease1764201600000 = addColumnMigration('WebhookAttemptLease1764201600000', {
  schema: 'notifications',
  table: 'webhook_deliveries',
  column: 'attempt_lease_until',
  definition: 'timestamptz',
});
