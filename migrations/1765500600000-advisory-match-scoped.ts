import { MigrationInterface, QueryRunner } from 'typeorm';
import { matchExposuresFunction } from './1765500400000-advisory-match-exposures';

/**
 * `evidence.match_exposures` tells which rows a match found are already stored from the scope's own
 * exposures (the advisory's, or the evidence's), read once by the scope's index. As a `not exists`
 * (migration `1765500500100`) the planner was free to answer it with a hash anti-join over every
 * exposure of the tenant, or with a probe by purl reading every exposure of that purl, and its generic
 * plans did both: a match's cost grew with every advisory the tenant ever matched.
 */
export class AdvisoryMatchScoped1765500600000 implements MigrationInterface {
  name = 'AdvisoryMatchScoped1765500600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(matchExposuresFunction('scoped'));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(matchExposuresFunction('skipped'));
  }
}
