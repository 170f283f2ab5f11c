import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `evidence.match_and_announce`: a match's writes and its announcement as one statement. It calls
 * `evidence.match_exposures` (the exposures of the scope replaced, the supplier's word applied, the
 * suppliers of the match at risk before and after) and records in the outbox, for each advisory of
 * `p_advisory_ids` in that order, an `advisory.matched` event naming the suppliers it puts at risk
 * now and did not before (sorted, as uuids sort), with the next id of `p_event_ids` and the business
 * time `p_timestamp` (an ISO 8601 string: the event's `timestamp`, and the entry's `created_at`).
 * Returns how many events it recorded. Who is newly at risk is one set difference over the match's
 * answer, however many advisories it names (an SBOM's match can name hundreds). The event is the one the matching service wrote from the
 * function's answer before; since the statement's answer is no longer needed in Node, a match sends it
 * in the message of its unit's commit: two round trips a match instead of three.
 */
export class AdvisoryMatchAnnounced1765500700000 implements MigrationInterface {
  name = 'AdvisoryMatchAnnounced1765500700000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `create or replace function evidence.match_and_announce(
         p_tenant uuid, p_scope_kind text, p_scope uuid, p_rows json, p_advisory_ids uuid[], p_event_ids uuid[], p_timestamp text)
       returns integer
       language plpgsql volatile security invoker
       set plan_cache_mode = force_generic_plan
       as $fn$
       declare
         announced integer;
       begin
         if coalesce(cardinality(p_event_ids), 0) < coalesce(cardinality(p_advisory_ids), 0) then
           raise exception 'match_and_announce needs an event id for each advisory (% ids for % advisories)',
             coalesce(cardinality(p_event_ids), 0), cardinality(p_advisory_ids);
         end if;
         with found as materialized (
           select m.at_risk_advisory, m.at_risk_supplier, m.afterwards
             from evidence.match_exposures(p_tenant, p_scope_kind, p_scope, p_rows, p_advisory_ids) m
         ), newly as (
           select f.at_risk_advisory, f.at_risk_supplier from found f where f.afterwards
           except
           select f.at_risk_advisory, f.at_risk_supplier from found f where not f.afterwards
         ), added as (
           select n.at_risk_advisory as advisory_id, array_agg(n.at_risk_supplier order by n.at_risk_supplier) as supplier_ids
             from newly n group by n.at_risk_advisory
         ), events as (
           select d.advisory_id, d.supplier_ids, row_number() over (order by a.n) as k
             from unnest(p_advisory_ids) with ordinality as a(id, n)
             join added d on d.advisory_id = a.id
         )
         insert into evidence.outbox (tenant_id, id, type, payload, created_at)
         select p_tenant, p_event_ids[e.k], 'advisory.matched',
                jsonb_build_object('id', p_event_ids[e.k], 'type', 'advisory.matched', 'timestamp', p_timestamp, 'tenantId', p_tenant,
                                   'data', jsonb_build_object('advisoryId', e.advisory_id, 'supplierIds', to_jsonb(e.supplier_ids))),
                p_timestamp::timestamptz
           from events e;
         get diagnostics announced = row_count;
         return announced;
       end
       $fn$`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`drop function if exists evidence.match_and_announce(uuid, text, uuid, json, uuid[], uuid[], text)`);
  }
}
