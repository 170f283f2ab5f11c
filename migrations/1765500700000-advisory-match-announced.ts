import { MigrationInterface, QueryRunner } from 'typeorm';

/** The most suppliers one `advisory.matched` names (its contract's `maxItems`): more go in further events. */
const SUPPLIERS_PER_EVENT = 10_000;

/**
 * `evidence.match_and_announce`: a match's writes and its announcement as one statement. It calls
 * `evidence.match_exposures` (the exposures of the scope replaced, the supplier's word applied, the
 * suppliers of the match at risk before and after) and records in the outbox, for each advisory of
 * `p_advisory_ids` in that order (an id given twice counts once), an `advisory.matched` event naming
 * the suppliers it puts at risk now and did not before, sorted as uuids sort, at most 10,000 an event
 * (more go in further events), with the business time `p_timestamp` (an ISO 8601 string: the event's
 * `timestamp`, and the entry's `created_at`). Event ids are taken from `p_event_ids` in turn (Node's
 * UUIDv7s, one for each advisory); should a match need more, the rest are UUIDv7s made here
 * (`evidence.new_event_id`). Returns how many events it recorded. Who is newly at risk is one set
 * difference over the match's answer, however many advisories it names (an SBOM's match can name
 * hundreds).
 *
 * The events are the ones the matching service wrote from `match_exposures`' answer before; with
 * that answer no longer needed in Node, a match can send the call in the message of its unit's
 * commit: two round trips a match instead of three.
 */
export class AdvisoryMatchAnnounced1765500700000 implements MigrationInterface {
  name = 'AdvisoryMatchAnnounced1765500700000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // RFC 9562 §5.7: 48 bits of Unix milliseconds, then a random v4 uuid's bits with its version
    // nibble turned from 4 (0100) into 7 (0111); the variant bits are already v4's.
    await queryRunner.query(
      `create or replace function evidence.new_event_id(p_at timestamptz) returns uuid
       language sql volatile parallel safe
       as $fn$
         select encode(
                  set_bit(set_bit(
                    overlay(uuid_send(gen_random_uuid())
                            placing substring(int8send(floor(extract(epoch from p_at) * 1000)::bigint) from 3)
                            from 1 for 6),
                    52, 1), 53, 1),
                  'hex')::uuid
       $fn$`,
    );
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
         with found as materialized (
           select m.at_risk_advisory, m.at_risk_supplier, m.afterwards
             from evidence.match_exposures(p_tenant, p_scope_kind, p_scope, p_rows, p_advisory_ids) m
         ), newly as (
           select f.at_risk_advisory, f.at_risk_supplier from found f where f.afterwards
           except
           select f.at_risk_advisory, f.at_risk_supplier from found f where not f.afterwards
         ), parts as (
           select n.at_risk_advisory as advisory_id, n.at_risk_supplier as supplier_id,
                  (row_number() over (partition by n.at_risk_advisory order by n.at_risk_supplier) - 1) / ${SUPPLIERS_PER_EVENT} as part
             from newly n
         ), added as (
           select p.advisory_id, p.part, array_agg(p.supplier_id order by p.supplier_id) as supplier_ids
             from parts p group by p.advisory_id, p.part
         ), events as (
           select d.advisory_id, d.supplier_ids, row_number() over (order by a.n, d.part) as k
             from (select u.id, min(u.n) as n from unnest(p_advisory_ids) with ordinality as u(id, n) group by u.id) a
             join added d on d.advisory_id = a.id
         ), identified as materialized (
           select coalesce(p_event_ids[e.k], evidence.new_event_id(p_timestamp::timestamptz)) as id, e.advisory_id, e.supplier_ids
             from events e
         )
         insert into evidence.outbox (tenant_id, id, type, payload, created_at)
         select p_tenant, i.id, 'advisory.matched',
                jsonb_build_object('id', i.id, 'type', 'advisory.matched', 'timestamp', p_timestamp, 'tenantId', p_tenant,
                                   'data', jsonb_build_object('advisoryId', i.advisory_id, 'supplierIds', to_jsonb(i.supplier_ids))),
                p_timestamp::timestamptz
           from identified i;
         get diagnostics announced = row_count;
         return announced;
       end
       $fn$`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`drop function if exists evidence.match_and_announce(uuid, text, uuid, json, uuid[], uuid[], text)`);
    await queryRunner.query(`drop function if exists evidence.new_event_id(timestamptz)`);
  }
}
