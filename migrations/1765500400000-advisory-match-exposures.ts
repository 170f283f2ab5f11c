import { MigrationInterface, QueryRunner } from 'typeorm';

/** Statuses that put a supplier at risk: the ones `advisory.matched` announces. */
const AT_RISK = `('affected', 'under_investigation')`;

/**
 * The suppliers each advisory of `p_advisory_ids` puts at risk (rows of advisory and supplier), each
 * advisory's exposures found by its own probe of the index however many exposures the tenant has.
 * `except` narrows the exposures `x` read.
 */
function atRisk(except = ''): string {
  return `select a.id, s.supplier_id
         from unnest(p_advisory_ids) as a(id)
         cross join lateral (
           select distinct x.supplier_id from evidence.advisory_exposures x
            where x.tenant_id = p_tenant and x.advisory_id = a.id and x.status in ${AT_RISK} ${except}
           offset 0) s`;
}

/**
 * The same as `atRisk`, for the suppliers `suppliers` (a query of supplier ids) only: whether each
 * advisory of `p_advisory_ids` puts each of them at risk, by one probe of the by-supplier index a
 * pair that stops at the first exposure found. Reading every exposure of each advisory instead grows
 * with how many suppliers and pieces of evidence share the advisory, not with the match. `advisories`
 * names the advisories asked about (`a`).
 */
function atRiskAmong(suppliers: string, except = '', advisories = 'unnest(p_advisory_ids) as a(id)'): string {
  return `select a.id, s.id as supplier_id
         from ${advisories}
         cross join (${suppliers}) as s(id)
         cross join lateral (
           select 1 from evidence.advisory_exposures x
            where x.tenant_id = p_tenant and x.supplier_id = s.id and x.advisory_id = a.id and x.status in ${AT_RISK} ${except}
            limit 1) hit`;
}

/**
 * Replacing the range-derived exposures of one advisory or one piece of evidence (`column` names
 * which) with the rows matching found, returning the suppliers at risk before. Exposures whose
 * status came from the supplier are kept; a range-derived one found again is left as it is when
 * nothing about it changed and rewritten in place when something did; one no longer found is deleted.
 * With `unchanged` 'skipped' (migration `1765500500100`), a row found again exactly as stored, or one
 * whose stored status came from the supplier, is not offered to the insert at all: the conflict clause
 * skips such rows too, but only after locking each. 'scoped' (migration `1765500600000`) compares the
 * rows found with the scope's stored exposures, read once by the scope's index: as a `not exists`, the
 * planner was free to hash every exposure of the tenant instead, or to probe by purl, reading every
 * advisory's and every evidence's exposure of the purl; both grow with the tenant, not the match.
 * Every row found belongs to the scope (its advisory, or its evidence), so the row it would conflict
 * with is one of the scope's.
 */
function replaceVersionExposures(column: 'advisory_id' | 'evidence_id', unchanged: Unchanged): string {
  return `return query
       with new as (
         select distinct on (x."advisoryId", x."evidenceId", x.purl) x.*
           from json_to_recordset(p_rows) as x(id uuid, "advisoryId" uuid, "evidenceId" uuid, "supplierId" uuid, "productId" uuid, purl text, version text, status text)
       ), ${
         unchanged === 'scoped' || unchanged === 'own'
           ? `scope as materialized (
         select x.advisory_id, x.evidence_id, x.purl, x.status_source, x.supplier_id, x.product_id, x.version, x.status
           from evidence.advisory_exposures x where x.tenant_id = p_tenant and x.${column} = p_scope
       ), before as (
         ${
           unchanged === 'own' && column === 'advisory_id'
             ? `select distinct p_scope as id, c.supplier_id from scope c where c.status in ${AT_RISK} and p_scope = any(p_advisory_ids)
         union all
         ${atRiskAmong(`select n."supplierId" from new n union select c.supplier_id from scope c`, '', OTHER_ADVISORIES)}`
             : atRiskAmong(`select n."supplierId" from new n union select c.supplier_id from scope c`)
         }`
           : `before as (
         ${atRisk()}`
       }
       ), gone as (
         delete from evidence.advisory_exposures x
          where x.tenant_id = p_tenant and x.${column} = p_scope and x.status_source = 'version'
            and (x.advisory_id, x.evidence_id, x.purl) not in (select n."advisoryId", n."evidenceId", n.purl from new n)
       ), stored as (
         insert into evidence.advisory_exposures (tenant_id, id, advisory_id, evidence_id, supplier_id, product_id, purl, version, status, status_source, matched_at)
         select p_tenant, n.id, n."advisoryId", n."evidenceId", n."supplierId", n."productId", n.purl, n.version, n.status, 'version', date_trunc('milliseconds', app.now())
           from new n${
             unchanged === 'scoped' || unchanged === 'own'
               ? `
           left join scope s on s.advisory_id = n."advisoryId" and s.evidence_id = n."evidenceId" and s.purl = n.purl
          where s.status_source is null
             or (s.status_source = 'version'
                 and (s.supplier_id, s.product_id, s.version, s.status) is distinct from (n."supplierId", n."productId", n.version, n.status))`
               : unchanged === 'skipped'
                 ? `
          where not exists (
                  select 1 from evidence.advisory_exposures x
                   where x.tenant_id = p_tenant and x.advisory_id = n."advisoryId" and x.evidence_id = n."evidenceId" and x.purl = n.purl
                     and (x.status_source <> 'version'
                          or (x.supplier_id, x.product_id, x.version, x.status) is not distinct from (n."supplierId", n."productId", n.version, n.status)))`
                 : ''
           }
         on conflict (tenant_id, advisory_id, evidence_id, purl) do update
           set id = excluded.id, supplier_id = excluded.supplier_id, product_id = excluded.product_id, version = excluded.version,
               status = excluded.status, statement = null, matched_at = excluded.matched_at
           where advisory_exposures.status_source = 'version'
             and (advisory_exposures.supplier_id, advisory_exposures.product_id, advisory_exposures.version, advisory_exposures.status)
                 is distinct from (excluded.supplier_id, excluded.product_id, excluded.version, excluded.status)
       )
       select b.id, b.supplier_id, false from before b;`;
}

/**
 * The supplier's word on the exposures of the scope, after they are replaced: an answered inquiry
 * (given on the page) wins, then a VEX statement of the supplier on the same package naming one of
 * the advisory's ids; an exposure whose status, source and statement would not change is not
 * written. Returns the suppliers at risk afterwards. The exposures updated are looked up by scope
 * as well as by id, so that however the plan joins them it reads only the scope's exposures.
 */
/**
 * The supplier's word on one exposure `x`: its answered inquiry, else a VEX statement of the supplier
 * on the same package naming one of the advisory's ids; no row when there is none.
 */
const WORD_OF_X = `select * from (
               select i.answer->>'status' as status, 'inquiry'::text as status_source,
                      jsonb_strip_nulls(jsonb_build_object(
                        'status', i.answer->'status', 'justification', i.answer->'justification', 'impact_statement', i.answer->'impactStatement',
                        'action_statement', i.answer->'actionStatement', 'fixed_in', i.answer->'fixedIn')) as statement, 0 as rank
                 from evidence.inquiries i
                where i.tenant_id = x.tenant_id and i.advisory_id = x.advisory_id and i.supplier_id = x.supplier_id and i.status = 'answered'
                  and i.answer_evidence_id is null
               union all
               select v.status, 'vex'::text, v.statement, 1
                 from evidence.advisories a, evidence.vex_statements v
                where x.status_source <> 'inquiry' and a.tenant_id = x.tenant_id and a.id = x.advisory_id
                  and v.tenant_id = x.tenant_id and v.supplier_id = x.supplier_id and v.vulnerabilities && a.external_ids
                  and (v.purl = x.purl or (v.purl = v.purl_base and left(x.purl, length(v.purl_base) + 1) = v.purl_base || '@'))
             ) s
             order by rank
             limit 1`;

function applySupplierWord(column: 'advisory_id' | 'evidence_id', unchanged: Unchanged): string {
  // 'own': the update reads the scope's exposures once and asks each for its word, so it is linear in
  // the scope whatever the plan; joining the table to itself by id (below), a generic plan that
  // expected one exposure in the scope compared every exposure with every other (10,000 exposures:
  // 14 s instead of under one).
  const changed =
    unchanged === 'own'
      ? `changed as (
         update evidence.advisory_exposures x
            set (status, status_source, statement) = (select w.status, w.status_source, w.statement from (${WORD_OF_X}) w)
          where x.tenant_id = p_tenant and x.${column} = p_scope
            and exists (select 1 from (${WORD_OF_X}) w
                         where (x.status, x.status_source, x.statement) is distinct from (w.status, w.status_source, w.statement))
         returning x.id, x.advisory_id, x.supplier_id, x.status`
      : `word as (
         select x.id, w.status, w.status_source, w.statement
           from evidence.advisory_exposures x
           cross join lateral (
             ${WORD_OF_X}) w
          where x.tenant_id = p_tenant and x.${column} = p_scope
            and (x.status, x.status_source, x.statement) is distinct from (w.status, w.status_source, w.statement)
       ), changed as (
         update evidence.advisory_exposures x set status = w.status, status_source = w.status_source, statement = w.statement
           from word w
          where x.tenant_id = p_tenant and x.${column} = p_scope and x.id = w.id
         returning x.id, x.advisory_id, x.supplier_id, x.status`;
  return `return query
       with ${changed}
       ), risk_after as (
         select c.advisory_id as id, c.supplier_id from changed c where c.advisory_id = any(p_advisory_ids) and c.status in ${AT_RISK}
         union
         ${
           unchanged === 'own' && column === 'advisory_id'
             ? `select x.advisory_id, x.supplier_id from evidence.advisory_exposures x
            where x.tenant_id = p_tenant and x.advisory_id = p_scope and p_scope = any(p_advisory_ids) and x.status in ${AT_RISK}
              and x.id not in (select c.id from changed c)
         union
         ${atRiskAmong(
           `select distinct x.supplier_id from evidence.advisory_exposures x where x.tenant_id = p_tenant and x.${column} = p_scope`,
           'and x.id not in (select c.id from changed c)',
           OTHER_ADVISORIES,
         )}`
             : unchanged === 'scoped' || unchanged === 'own'
               ? atRiskAmong(
                   `select distinct x.supplier_id from evidence.advisory_exposures x where x.tenant_id = p_tenant and x.${column} = p_scope`,
                   'and x.id not in (select c.id from changed c)',
                 )
               : atRisk('and x.id not in (select c.id from changed c)')
         }
       )
       select f.id, f.supplier_id, true from risk_after f;`;
}

/**
 * What the insert of a match is offered: every row found ('offered', this migration), only rows not
 * stored as found ('skipped', `1765500500100`), the same told by the scope's stored exposures
 * ('scoped', `1765500600000`); and, with 'own' (`1765500700100`), the suppliers an advisory's own
 * match puts at risk, before and after, read from the scope itself: every exposure of that advisory
 * is of the scope, so the scope it has read already answers `before`, and one read of the advisory's
 * exposures `after`, instead of a probe for each supplier; and the supplier's word applied by one
 * read of the scope's exposures rather than a join of the table to itself (see `applySupplierWord`).
 */
export type Unchanged = 'offered' | 'skipped' | 'scoped' | 'own';

/** The advisories of `p_advisory_ids` but the scope's own (an advisory's match asks about no other). */
const OTHER_ADVISORIES = '(select u.id from unnest(p_advisory_ids) as u(id) where u.id <> p_scope) as a(id)';

/** The statement creating `evidence.match_exposures`, as this migration wrote it or as a later one does (see `Unchanged`). */
export function matchExposuresFunction(unchanged: Unchanged): string {
  return `create or replace function evidence.match_exposures(p_tenant uuid, p_scope_kind text, p_scope uuid, p_rows json, p_advisory_ids uuid[])
       returns table (at_risk_advisory uuid, at_risk_supplier uuid, afterwards boolean)
       language plpgsql volatile security invoker
       set plan_cache_mode = force_generic_plan
       as $fn$
       #variable_conflict use_column
       begin
         if p_scope_kind = 'advisory' then
           ${replaceVersionExposures('advisory_id', unchanged)}
           ${applySupplierWord('advisory_id', unchanged)}
         elsif p_scope_kind = 'evidence' then
           ${replaceVersionExposures('evidence_id', unchanged)}
           ${applySupplierWord('evidence_id', unchanged)}
         else
           raise exception 'unknown exposure scope %', p_scope_kind;
         end if;
       end
       $fn$`;
}

/**
 * `evidence.match_exposures`: the writes of one match in one call. The range-derived exposures of one
 * advisory (`p_scope_kind` 'advisory') or one piece of evidence ('evidence') are replaced with
 * `p_rows`, then the supplier's word (inquiry answers, VEX statements) is applied to the exposures of
 * the scope, as two statements, the second seeing what the first wrote. Returns the suppliers each of
 * `p_advisory_ids` put at risk before (`afterwards` false) and after (true). One round trip instead of
 * two, and the statements are planned once a session (generic plans: every value they compare is an
 * index condition either way) instead of at every match. It runs with the caller's rights, so
 * row-level security scopes it like any other statement.
 */
export class AdvisoryMatchExposures1765500400000 implements MigrationInterface {
  name = 'AdvisoryMatchExposures1765500400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(matchExposuresFunction('offered'));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`drop function if exists evidence.match_exposures(uuid, text, uuid, json, uuid[])`);
  }
}
