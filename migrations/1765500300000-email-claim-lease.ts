import { addColumnMigration } from '@assay/shared/database';

/**
 * A send attempt holds its email for a lease measured on the database's own clock, not in business
 * time: moving business time forward (a clock that jumps, a test moving it by days) must not make a
 * send still in progress look abandoned and send the email a second time.
 */
export const EmailClaimLease1765500300000 = addColumnMigration('EmailClaimLease1765500300000', {
  schema: 'notifications',
  table: 'emails',
  column: 'claimed_until',
  definition: 'timestamptz',
});
