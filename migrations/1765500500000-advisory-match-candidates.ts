import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `evidence.advisory_candidates`: what one advisory is matched against, as one call — the packages it
 * names and the processed components (one per evidence and purl) of those packages, each package's
 * components found by its own probe of the versionless-purl index. The statement is the one the
 * repository sent before, planned once a session (a generic plan: the tenant and advisory are index
 * conditions either way) instead of at every match, where planning cost as much as running it. It
 * runs with the caller's rights, so row-level security scopes it like any other statement.
 */
export class AdvisoryMatchCandidates1765500500000 implements MigrationInterface {
  name = 'AdvisoryMatchCandidates1765500500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `create or replace function evidence.advisory_candidates(p_tenant uuid, p_advisory uuid)
       returns table (packages json, components json)
       language plpgsql stable security invoker
       set plan_cache_mode = force_generic_plan
       as $fn$
       begin
         return query
         with p as (
           select k.id, k.advisory_id, k.purl_base, k.ranges, k.versions, k.status
             from evidence.advisory_packages k where k.tenant_id = p_tenant and k.advisory_id = p_advisory
         )
         select (select coalesce(json_agg(p), '[]') from p),
                (select coalesce(json_agg(c), '[]')
                   from (select distinct on (c.evidence_id, c.purl) c.*
                           from (select distinct p.purl_base from p) b
                           cross join lateral (
                             select c.evidence_id, c.supplier_id, c.product_id, c.purl, c.purl_base, c.version
                               from evidence.components c
                               join evidence.evidence e on e.tenant_id = c.tenant_id and e.id = c.evidence_id and e.status = 'processed'
                              where c.tenant_id = p_tenant and c.purl_base = b.purl_base and c.purl is not null
                             offset 0) c
                          order by c.evidence_id, c.purl) c);
       end
       $fn$`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`drop function if exists evidence.advisory_candidates(uuid, uuid)`);
  }
}
