import { MigrationInterface, QueryRunner } from 'typeorm';
import { matchExposuresFunction } from './1765500400000-advisory-match-exposures';

/**
 * `evidence.match_exposures` leaves an exposure found again unchanged untouched, not even locked.
 * Before, every row a match found went to the insert, and `on conflict do update … where` skipped the
 * unchanged ones only after locking each: a write to every exposure of a rematch that changed nothing.
 * Now a row found again exactly as stored, or one whose stored status came from the supplier, is
 * not offered to the insert at all.
 */
export class AdvisoryMatchUnchanged1765500500100 implements MigrationInterface {
  name = 'AdvisoryMatchUnchanged1765500500100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(matchExposuresFunction('skipped'));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(matchExposuresFunction('offered'));
  }
}
