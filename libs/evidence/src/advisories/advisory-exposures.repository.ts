import { clock } from '@assay/shared/clock';
import { newId, runWithCommit } from '@assay/shared/database';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AdvisoryRange } from './advisory-documents';
import type { RangeStatus } from './version-ranges';
import type { VexStatement } from './vex-statements';

export type StatusSource = 'version' | 'vex' | 'inquiry';

/** A stored component that carries a purl, as matching reads it. */
export interface MatchableComponent {
  evidenceId: string;
  supplierId: string;
  productId: string | null;
  purl: string;
  purlBase: string;
  version: string | null;
}

/** One package an advisory names, as matching reads it. */
export interface MatchablePackage {
  advisoryId: string;
  purlBase: string;
  ranges: AdvisoryRange[];
  versions: string[];
  status: string | null;
}

export interface NewExposure {
  advisoryId: string;
  evidenceId: string;
  supplierId: string;
  productId: string | null;
  purl: string;
  version: string | null;
  status: RangeStatus;
}

/** Stored components and the advisory packages of their versionless purls, to be compared. */
export interface MatchCandidates {
  components: MatchableComponent[];
  packages: MatchablePackage[];
}

interface ComponentRow {
  supplier_id: string;
  product_id: string | null;
  purl: string;
  purl_base: string;
  version: string | null;
}

interface PackageRow {
  id: string;
  advisory_id: string;
  purl_base: string;
  ranges: AdvisoryRange[];
  versions: string[];
  status: string | null;
}

function matchableComponent(evidenceId: string, row: ComponentRow): MatchableComponent {
  return { evidenceId, supplierId: row.supplier_id, productId: row.product_id, purl: row.purl, purlBase: row.purl_base, version: row.version };
}

function matchablePackage(row: PackageRow): MatchablePackage {
  return { advisoryId: row.advisory_id, purlBase: row.purl_base, ranges: row.ranges, versions: row.versions, status: row.status };
}

export interface Exposure {
  supplierId: string;
  supplierName: string;
  productId: string | null;
  evidenceId: string;
  purl: string;
  version: string | null;
  status: RangeStatus;
  statusSource: StatusSource;
  /** The supplier's statement behind a `vex` or `inquiry` status (justification, impact, action), as written. */
  statement: Record<string, unknown> | null;
}

export interface ComponentAdvisory {
  id: string;
  externalIds: string[];
  severity: string | null;
  kev: boolean;
  status: RangeStatus;
  statusSource: StatusSource;
}

/** Which exposures a statement applies to: those of one advisory, one piece of evidence or one supplier. */
export type ExposureScope = { advisoryId: string } | { evidenceId: string } | { supplierId: string };

/** The column and value that select the exposures of a scope. */
export function exposureScope(scope: ExposureScope): [column: 'advisory_id' | 'evidence_id' | 'supplier_id', value: string] {
  if ('advisoryId' in scope) return ['advisory_id', scope.advisoryId];
  return 'evidenceId' in scope ? ['evidence_id', scope.evidenceId] : ['supplier_id', scope.supplierId];
}

/** Statuses that put a supplier at risk: the ones `advisory.matched` announces. */
const AT_RISK = `('affected', 'under_investigation')`;
const MAX_EXPOSURE_LIST = 1_000;

/**
 * The suppliers each of the advisories in the uuid[] parameter `advisoryIds` puts at risk (rows of
 * advisory and supplier), each advisory's exposures found by its own probe of the index however many
 * exposures the tenant has.
 */
function atRisk(advisoryIds: string): string {
  return `select a.id as advisory_id, s.supplier_id
         from unnest(${advisoryIds}::uuid[]) as a(id)
         cross join lateral (
           select distinct x.supplier_id from evidence.advisory_exposures x
            where x.tenant_id = $1 and x.advisory_id = a.id and x.status in ${AT_RISK}
           offset 0) s`;
}

/** The statement an answered inquiry `i` gives the exposures it covers, in OpenVEX's words. */
export const ANSWER_STATEMENT = `jsonb_strip_nulls(jsonb_build_object(
  'status', i.answer->'status', 'justification', i.answer->'justification', 'impact_statement', i.answer->'impactStatement',
  'action_statement', i.answer->'actionStatement', 'fixed_in', i.answer->'fixedIn'))`;

/**
 * A VEX statement `v` of the supplier of exposure `x` speaks to it: it names one of the ids of the
 * exposure's advisory `a` and the same package (the exact purl, or the package without version).
 */
const VEX_SPEAKS_TO = `v.tenant_id = x.tenant_id and v.supplier_id = x.supplier_id and v.vulnerabilities && a.external_ids
          and (v.purl = x.purl or (v.purl = v.purl_base and left(x.purl, length(v.purl_base) + 1) = v.purl_base || '@'))`;

/** The key of the advisory lock that serialises matching within one tenant. */
export function matchingLock(tenantId: string): string {
  return `advisory-matching:${tenantId}`;
}

/** Every statement on exposures, and the reads matching needs from components and advisory packages. */
@Injectable()
export class AdvisoryExposuresRepository {
  /**
   * Serialises matching within one tenant, so two matches never both announce the same new suppliers.
   * A unit of work can take the same lock as it starts instead (`TenantDatabase.run` with
   * `{ lock: matchingLock(tenantId) }`), saving the round trip.
   */
  async lockTenant(manager: EntityManager, tenantId: string): Promise<void> {
    await manager.query(`select pg_advisory_xact_lock(hashtextextended($1, 0))`, [matchingLock(tenantId)]);
  }

  /**
   * What one advisory is matched against, in one call of `evidence.advisory_candidates` (see its
   * migration): the packages it names and the processed components (one per evidence and purl) of
   * those packages, each package's components found by its own probe of the versionless-purl index.
   */
  async candidatesOfAdvisory(manager: EntityManager, tenantId: string, advisoryId: string): Promise<MatchCandidates> {
    const [row]: { packages: PackageRow[]; components: (ComponentRow & { evidence_id: string })[] }[] = await manager.query(
      `select packages, components from evidence.advisory_candidates($1, $2)`,
      [tenantId, advisoryId],
    );
    return {
      packages: (row?.packages ?? []).map(matchablePackage),
      components: (row?.components ?? []).map((component) => matchableComponent(component.evidence_id, component)),
    };
  }

  /**
   * What one piece of evidence is matched against, in one statement: its processed components that
   * carry a purl paired with every stored advisory package of the same versionless purl, each
   * component's packages found by its own probe of the index. Only the components some advisory
   * names come back; a purl the evidence lists twice is kept once here, as each package is, rather
   * than by sorting every component of the evidence in the statement.
   */
  async candidatesOfEvidence(manager: EntityManager, tenantId: string, evidenceId: string): Promise<MatchCandidates> {
    const rows: (ComponentRow & { package: PackageRow })[] = await manager.query(
      `select c.supplier_id, c.product_id, c.purl, c.purl_base, c.version,
              json_build_object('id', p.id, 'advisory_id', p.advisory_id, 'purl_base', c.purl_base, 'ranges', p.ranges, 'versions', p.versions, 'status', p.status) as package
         from (select c.supplier_id, c.product_id, c.purl, c.purl_base, c.version
                 from evidence.components c
                 join evidence.evidence e on e.tenant_id = c.tenant_id and e.id = c.evidence_id and e.status = 'processed'
                where c.tenant_id = $1 and c.evidence_id = $2 and c.purl is not null and c.purl_base is not null) c
         cross join lateral (
           select p.id, p.advisory_id, p.ranges, p.versions, p.status from evidence.advisory_packages p
            where p.tenant_id = $1 and p.purl_base = c.purl_base
           offset 0) p`,
      [tenantId, evidenceId],
    );
    const components = new Map<string, MatchableComponent>();
    const packages = new Map<string, MatchablePackage>();
    for (const row of rows) {
      if (!components.has(row.purl)) components.set(row.purl, matchableComponent(evidenceId, row));
      if (!packages.has(row.package.id)) packages.set(row.package.id, matchablePackage(row.package));
    }
    return { components: [...components.values()], packages: [...packages.values()] };
  }

  /** Suppliers at risk from each of the given advisories. */
  async suppliersAtRisk(manager: EntityManager, tenantId: string, advisoryIds: string[]): Promise<Map<string, Set<string>>> {
    const found = new Map<string, Set<string>>(advisoryIds.map((id) => [id, new Set<string>()]));
    if (advisoryIds.length === 0) return found;
    const rows: { advisory_id: string; supplier_id: string }[] = await manager.query(atRisk('$2'), [tenantId, advisoryIds]);
    for (const row of rows) found.get(row.advisory_id)?.add(row.supplier_id);
    return found;
  }

  /**
   * The writes of one match and their announcement, in one call of `evidence.match_and_announce` (see
   * its migration, and that of `evidence.match_exposures`): the range-derived exposures of one advisory or one
   * piece of evidence are replaced with `rows`, then the supplier's word is applied to the exposures of
   * the scope (an inquiry's answer wins over a VEX statement, and an exposure whose status an answer
   * gave takes no VEX statement), and `advisory.matched` goes to the outbox for each of `advisoryIds`
   * that puts suppliers of the match at risk, by their exposures anywhere in the tenant, that it did
   * not before. Exposures whose status came from the supplier are kept as they are; a range-derived one
   * found again is left as it is when nothing about it changed and rewritten in place (a new id and
   * match time) when something did; one no longer found is deleted. Unchanged exposures, the usual case
   * of a rematch, cost no write. Nothing of a match reads back what the call writes, so with
   * `withCommit` (the default) in a tenant unit of work (`TenantDatabase.run`) it goes in the message
   * of the unit's commit, and its error is the unit's; otherwise it runs at once.
   */
  async matchAndAnnounce(
    manager: EntityManager,
    tenantId: string,
    scope: { advisoryId: string } | { evidenceId: string },
    rows: NewExposure[],
    advisoryIds: string[],
    { withCommit = true }: { withCommit?: boolean } = {},
  ): Promise<void> {
    const [kind, value] = 'advisoryId' in scope ? ['advisory', scope.advisoryId] : ['evidence', scope.evidenceId];
    const statement = {
      text: `select evidence.match_and_announce($1, $2, $3, $4::json, $5::uuid[], $6::uuid[], $7)`,
      values: [
        tenantId,
        kind,
        value,
        JSON.stringify(rows.map((row) => ({ id: newId(), ...row }))),
        advisoryIds,
        // One event for each advisory at most, in their order (but for more than 10,000 suppliers newly at risk).
        advisoryIds.map(() => newId()),
        clock.now().toISOString(),
      ],
    };
    if (!withCommit || !runWithCommit(manager, statement)) await manager.query(statement.text, statement.values);
  }

  /** Replaces the statements read from one piece of VEX evidence. */
  async replaceVexStatements(
    manager: EntityManager,
    tenantId: string,
    evidence: { id: string; supplierId: string },
    statements: VexStatement[],
  ): Promise<void> {
    await manager.query(`delete from evidence.vex_statements where tenant_id = $1 and evidence_id = $2`, [tenantId, evidence.id]);
    if (statements.length === 0) return;
    await manager.query(
      `insert into evidence.vex_statements (tenant_id, id, evidence_id, supplier_id, vulnerabilities, purl, purl_base, status, statement)
       select $1, v.id, $2, $3, v.vulnerabilities, v.purl, v."purlBase", v.status, v.statement
         from json_to_recordset($4::json) as v(id uuid, vulnerabilities text[], purl text, "purlBase" text, status text, statement jsonb)`,
      [tenantId, evidence.id, evidence.supplierId, JSON.stringify(statements.map((statement) => ({ id: newId(), ...statement })))],
    );
  }

  /** Advisories with an exposure of one supplier. */
  async advisoriesExposing(manager: EntityManager, tenantId: string, supplierId: string): Promise<string[]> {
    const rows: { advisory_id: string }[] = await manager.query(
      `select distinct advisory_id from evidence.advisory_exposures where tenant_id = $1 and supplier_id = $2`,
      [tenantId, supplierId],
    );
    return rows.map((row) => row.advisory_id);
  }

  /**
   * The supplier's own word wins over the ranges: exposures (of one advisory, evidence or supplier)
   * whose supplier has a VEX statement on the same package (the exact purl, or the package without
   * version) naming one of the advisory's ids take its status, with the statement kept. An inquiry
   * answer given on the page is left as it is; one taken from a VEX defers to the VEX statements.
   */
  async applyVex(manager: EntityManager, tenantId: string, scope: ExposureScope): Promise<void> {
    const [column, value] = exposureScope(scope);
    await manager.query(
      `update evidence.advisory_exposures x
          set status = v.status, status_source = 'vex', statement = v.statement
         from evidence.advisories a, evidence.vex_statements v
        where x.tenant_id = $1 and x.${column} = $2
          and (x.status_source <> 'inquiry' or exists (
                select 1 from evidence.inquiries i
                 where i.tenant_id = x.tenant_id and i.advisory_id = x.advisory_id and i.supplier_id = x.supplier_id and i.answer_evidence_id is not null))
          and a.tenant_id = x.tenant_id and a.id = x.advisory_id
          and ${VEX_SPEAKS_TO}`,
      [tenantId, value],
    );
  }

  /** An advisory's exposure: every stored component it names, with its supplier. */
  async exposureOf(manager: EntityManager, tenantId: string, advisoryId: string): Promise<Exposure[]> {
    return (await this.exposureOfAdvisories(manager, tenantId, [advisoryId])).get(advisoryId) ?? [];
  }

  /** The exposure of each of several advisories (at most 1,000 components each), in one query. */
  async exposureOfAdvisories(manager: EntityManager, tenantId: string, advisoryIds: string[]): Promise<Map<string, Exposure[]>> {
    const found = new Map<string, Exposure[]>();
    if (advisoryIds.length === 0) return found;
    const rows: {
      advisory_id: string;
      supplier_id: string;
      supplier_name: string;
      product_id: string | null;
      evidence_id: string;
      purl: string;
      version: string | null;
      status: RangeStatus;
      status_source: StatusSource;
      statement: Record<string, unknown> | null;
    }[] = await manager.query(
      `select e.*
         from unnest($2::uuid[]) as a(id)
         cross join lateral (
           select x.advisory_id, x.supplier_id, s.name as supplier_name, x.product_id, x.evidence_id, x.purl, x.version, x.status, x.status_source, x.statement
             from evidence.advisory_exposures x join evidence.suppliers s on s.tenant_id = x.tenant_id and s.id = x.supplier_id
            where x.tenant_id = $1 and x.advisory_id = a.id
            order by s.name, x.purl, x.evidence_id
            limit ${MAX_EXPOSURE_LIST}) e`,
      [tenantId, advisoryIds],
    );
    for (const row of rows) {
      const list = found.get(row.advisory_id) ?? [];
      list.push({
        supplierId: row.supplier_id,
        supplierName: row.supplier_name,
        productId: row.product_id,
        evidenceId: row.evidence_id,
        purl: row.purl,
        version: row.version,
        status: row.status,
        statusSource: row.status_source,
        statement: row.statement,
      });
      found.set(row.advisory_id, list);
    }
    return found;
  }

  /** The advisories naming a component of each supplier (newest `modified` first, at most `perSupplier` each). */
  async advisoryIdsOfSuppliers(manager: EntityManager, tenantId: string, supplierIds: string[], perSupplier: number): Promise<Map<string, string[]>> {
    const found = new Map<string, string[]>();
    if (supplierIds.length === 0) return found;
    const rows: { supplier_id: string; advisory_id: string }[] = await manager.query(
      `select s.id as supplier_id, l.advisory_id
         from unnest($2::uuid[]) as s(id)
         cross join lateral (
           select a.id as advisory_id
             from evidence.advisories a
            where a.tenant_id = $1
              and a.id in (select x.advisory_id from evidence.advisory_exposures x where x.tenant_id = $1 and x.supplier_id = s.id)
            order by a.modified desc, a.id desc
            limit $3) l`,
      [tenantId, supplierIds, perSupplier],
    );
    for (const row of rows) found.set(row.supplier_id, [...(found.get(row.supplier_id) ?? []), row.advisory_id]);
    return found;
  }

  /** The advisories naming each of the given components (evidence id and purl). */
  async advisoriesOfComponents(
    manager: EntityManager,
    tenantId: string,
    components: { evidenceId: string; purl: string }[],
  ): Promise<Map<string, ComponentAdvisory[]>> {
    const found = new Map<string, ComponentAdvisory[]>();
    if (components.length === 0) return found;
    const rows: {
      evidence_id: string;
      purl: string;
      id: string;
      external_ids: string[];
      severity: string | null;
      kev: boolean;
      status: RangeStatus;
      status_source: StatusSource;
    }[] = await manager.query(
      `select x.evidence_id, x.purl, a.id, a.external_ids, a.severity, a.kev, x.status, x.status_source
         from evidence.advisory_exposures x join evidence.advisories a on a.tenant_id = x.tenant_id and a.id = x.advisory_id
        where x.tenant_id = $1 and x.purl = any($2::text[]) and x.evidence_id = any($3::uuid[])
        order by a.modified desc`,
      [tenantId, components.map((component) => component.purl), components.map((component) => component.evidenceId)],
    );
    for (const row of rows) {
      const key = `${row.evidence_id} ${row.purl}`;
      const list = found.get(key) ?? [];
      list.push({ id: row.id, externalIds: row.external_ids, severity: row.severity, kev: row.kev, status: row.status, statusSource: row.status_source });
      found.set(key, list);
    }
    return found;
  }
}
