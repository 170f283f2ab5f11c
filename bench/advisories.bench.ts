/**
 * Advisory matching at scale, the way the worker matches (AdvisoryMatchingService, app role, RLS,
 * in a tenant transaction), each against a baseline measured in the same run, round for round in
 * turn: an indexed lookup of the same purls.
 *
 * 1. One new advisory (the real Log4Shell OSV record) against BENCH_ADVISORY_COMPONENTS stored
 *    components (2,000,000) over 8 tenants, 50 of them log4j-core in the advisory's tenant: its first
 *    match (each round a copy never matched, so the exposures are written and announced), and the
 *    same advisory matched again with nothing changed.
 * 2. One new SBOM of 5,000 components against BENCH_ADVISORIES stored advisories (50,000), 500 of
 *    its packages named by one advisory each: first match (each round a copy), and matched again.
 *
 * Every tenant has exposures of its own (a tenth of its components), so the exposure statements
 * meet a table of a realistic size. Every statement matching runs is EXPLAINed as it runs (the
 * statements of `evidence.match_and_announce` and `evidence.advisory_candidates` through auto_explain,
 * the call replayed and rolled back); the plans are printed and the run fails if one reads a whole
 * table, or the whole of the tenant's part of one (an index scan on the tenant alone). A match's
 * writes and announcement go with the commit (`runWithCommit`): the wrappers that EXPLAIN and analyse
 * statements show no unit of work, so they run through them; the one that times statements counts
 * them in the commit.
 *
 *   npm run bench:advisories        # BENCH_ADVISORY_COMPONENTS, BENCH_ADVISORIES, BENCH_ROUNDS to change
 */
import 'reflect-metadata';
import {
  AdvisoriesRepository,
  AdvisoryExposuresRepository,
  AdvisoryMatchingService,
  EvidenceDocuments,
  EvidenceRepository,
  InquiriesRepository,
  InquiryAnswersService,
  createBlobStorage,
  matchingLock,
  parseAdvisoryDocument,
} from '@assay/evidence';
import { loadConfig } from '@assay/shared/config';
import { TenantDatabase, TenantUnitOptions, createRuntimeDataSource, migrationRoles } from '@assay/shared/database';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import { log, runBenchmark } from './bench-runner';
import { migratedInfrastructure, seedSuppliersAndSboms } from './bench-database';

const COMPONENTS = Number(process.env['BENCH_ADVISORY_COMPONENTS'] ?? 2_000_000);
const ADVISORIES = Number(process.env['BENCH_ADVISORIES'] ?? 50_000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 50);
const TENANTS = 8;
const SBOMS = 200;
const LOG4J_HITS = 50;
const SBOM_SIZE = 5_000;
const SBOM_HITS = 500;
const LOG4SHELL = readFileSync(join(__dirname, '../../libs/evidence/src/advisories/__fixtures__/GHSA-jfh8-c2jp-5v3q.osv.json'));

/** Median milliseconds of `rounds` runs of `work`. */
async function median(rounds: number, work: () => Promise<void>): Promise<number> {
  const times: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const started = performance.now();
    await work();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] as number;
}

/**
 * Medians of `subject` and `baseline` over `rounds` runs each, run in turn (subject, baseline,
 * subject, …), so that what else the machine is doing weighs on both alike.
 */
async function paired(rounds: number, subject: () => Promise<void>, baseline: () => Promise<void>): Promise<{ subject: number; baseline: number }> {
  const subjectTimes: number[] = [];
  const baselineTimes: number[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const [work, times] of [
      [subject, subjectTimes],
      [baseline, baselineTimes],
    ] as const) {
      const started = performance.now();
      await work();
      times.push(performance.now() - started);
    }
  }
  const middle = (times: number[]) => times.sort((a, b) => a - b)[Math.floor(times.length / 2)] as number;
  return { subject: middle(subjectTimes), baseline: middle(baselineTimes) };
}

type Plans = { sql: string; plan: string[] }[];

interface ExplainNode {
  'Node Type': string;
  'Relation Name'?: string;
  Alias?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  Filter?: string;
  'Actual Total Time'?: number;
  'Actual Loops'?: number;
  Plans?: ExplainNode[];
}

/** BENCH_ANALYZE_NESTED=1: the plans inside functions are analysed too, each node with its time. */
const ANALYZE_NESTED = process.env['BENCH_ANALYZE_NESTED'] === '1';

/** A JSON plan as lines like EXPLAIN's text (node, index, relation, index condition). */
function planLines(node: ExplainNode, depth = 0): string[] {
  const indent = '  '.repeat(depth);
  const using = node['Index Name'] ? ` using ${node['Index Name']}` : '';
  const on = node['Relation Name'] ? ` on ${node['Relation Name']} ${node.Alias ?? ''}` : '';
  const actual = node['Actual Total Time'] === undefined ? '' : ` (actual ${node['Actual Total Time'].toFixed(3)} ms × ${node['Actual Loops'] ?? 1})`;
  const lines = [`${indent}${depth > 0 ? '->  ' : ''}${node['Node Type']}${using}${on}${actual}`];
  if (node['Index Cond']) lines.push(`${indent}      Index Cond: ${node['Index Cond']}`);
  if (node.Filter) lines.push(`${indent}      Filter: ${node.Filter}`);
  for (const child of node.Plans ?? []) lines.push(...planLines(child, depth + 1));
  return lines;
}

/**
 * The plans of the statements inside a call of a PL/pgSQL function, which EXPLAIN does not show: the
 * call is replayed on the owner's connection as the app role (row-level security applies) bound to
 * the tenant, under auto_explain, and rolled back. It is replayed seven times, so that the plans the
 * function's statements settle on after five runs (a generic plan, when Postgres picks one) are
 * shown too.
 */
async function nestedPlans(owner: Client, tenant: string, sql: string, params: unknown[] | undefined, plans: Plans): Promise<void> {
  const notices: string[] = [];
  const listen = (notice: { message?: string }) => notices.push(notice.message ?? '');
  try {
    await owner.query('begin');
    await owner.query(`load 'auto_explain'`);
    const settings = ['log_min_duration = 0', 'log_nested_statements = on', "log_level = 'notice'", "log_format = 'json'"];
    if (ANALYZE_NESTED) settings.push('log_analyze = on', 'log_timing = on');
    for (const setting of settings) await owner.query(`set local auto_explain.${setting}`);
    await owner.query(`set local role ${migrationRoles().appRole}`);
    await owner.query(`select set_config('app.tenant_id', $1, true)`, [tenant]);
    owner.on('notice', listen);
    for (let run = 0; run < 7; run++) {
      await owner.query('savepoint replay');
      await owner.query(sql, params);
      await owner.query('rollback to savepoint replay');
    }
  } finally {
    await owner.query('rollback');
    owner.off('notice', listen);
  }
  for (const notice of notices) {
    const json = notice.slice(notice.indexOf('{'));
    const explained = JSON.parse(json) as { 'Query Text': string; Plan: ExplainNode };
    // The call itself is one of them: only the statements inside it are of interest.
    if (explained['Query Text'].trim() === sql.trim()) continue;
    plans.push({
      sql: `(in ${sql.replace(/\s+/g, ' ').slice(0, 60)}) ${explained['Query Text'].replace(/\s+/g, ' ').trim().slice(0, 80)}`,
      plan: planLines(explained.Plan),
    });
  }
}

/**
 * A manager that EXPLAINs every statement before running it, collecting the plans (with `owner`, the
 * statements inside PL/pgSQL functions too, see `nestedPlans`). It shows no unit of work (no query
 * runner), so what a match would send with the commit runs through it too (and the matching lock is
 * taken again, which costs nothing).
 */
function explaining(manager: EntityManager, plans: Plans, owner?: { client: Client; tenant: string }): EntityManager {
  return new Proxy(manager, {
    get(target, property, receiver) {
      if (property === 'queryRunner') return undefined;
      if (property !== 'query') return Reflect.get(target, property, receiver);
      return async (sql: string, params?: unknown[]) => {
        if (owner && /evidence\.(match_and_announce|advisory_candidates)\(/.test(sql)) await nestedPlans(owner.client, owner.tenant, sql, params, plans);
        if (!/pg_advisory_xact_lock/.test(sql)) {
          const rows: { 'QUERY PLAN': string }[] = await target.query(`explain ${sql}`, params);
          plans.push({ sql: sql.replace(/\s+/g, ' ').slice(0, 110), plan: rows.map((row) => row['QUERY PLAN']) });
        }
        return target.query(sql, params);
      };
    },
  });
}

/** A manager that times every statement it runs, adding the milliseconds to `times` by statement. */
function timing(manager: EntityManager, times: Map<string, number>): EntityManager {
  return new Proxy(manager, {
    get(target, property, receiver) {
      if (property !== 'query') return Reflect.get(target, property, receiver);
      return async (sql: string, params?: unknown[]) => {
        const started = performance.now();
        try {
          return await target.query(sql, params);
        } finally {
          const key = sql.replace(/\s+/g, ' ').trim().slice(0, 90);
          times.set(key, (times.get(key) ?? 0) + performance.now() - started);
        }
      };
    },
  });
}

/**
 * A manager that runs every statement once more under EXPLAIN ANALYZE first (in a savepoint rolled
 * back, so nothing is written twice), adding the server's planning and execution milliseconds to
 * `times` by statement. Like `explaining`, it shows no unit of work, so a match's writes run through it.
 */
function analysing(manager: EntityManager, times: Map<string, { planning: number; execution: number }>): EntityManager {
  return new Proxy(manager, {
    get(target, property, receiver) {
      if (property === 'queryRunner') return undefined;
      if (property !== 'query') return Reflect.get(target, property, receiver);
      return async (sql: string, params?: unknown[]) => {
        if (!/pg_advisory_xact_lock/.test(sql)) {
          await target.query('savepoint analysing');
          const [row]: { 'QUERY PLAN': { 'Planning Time': number; 'Execution Time': number }[] }[] = await target.query(
            `explain (analyze, summary, format json) ${sql}`,
            params,
          );
          await target.query('rollback to savepoint analysing');
          const summary = row?.['QUERY PLAN'][0];
          const key = sql.replace(/\s+/g, ' ').trim().slice(0, 90);
          const sum = times.get(key) ?? { planning: 0, execution: 0 };
          times.set(key, { planning: sum.planning + (summary?.['Planning Time'] ?? 0), execution: sum.execution + (summary?.['Execution Time'] ?? 0) });
        }
        return target.query(sql, params);
      };
    },
  });
}

/** Where the server spends a statement's time over `rounds` runs of `work`: planning it, and running it. */
async function serverTimes(title: string, rounds: number, work: (times: Map<string, { planning: number; execution: number }>) => Promise<void>): Promise<void> {
  const times = new Map<string, { planning: number; execution: number }>();
  for (let round = 0; round < rounds; round++) await work(times);
  log(`\n${title}, in the server (planning + execution, ms a run):`);
  for (const [sql, { planning, execution }] of times)
    log(`  ${(planning / rounds).toFixed(2).padStart(7)} + ${(execution / rounds).toFixed(2).padStart(7)} ms  ${sql}…`);
}

/** A TenantDatabase whose units of work run through `wrap` (to EXPLAIN or time what matching runs). */
function wrapped(database: TenantDatabase, wrap: (manager: EntityManager) => EntityManager): TenantDatabase {
  return Object.assign(Object.create(database) as TenantDatabase, {
    run: <T>(work: (manager: EntityManager) => Promise<T>, tenantId?: string, options?: TenantUnitOptions) =>
      database.run((manager) => work(wrap(manager)), tenantId, options),
  });
}

/** Where one more run of `work` spends its time: every statement, then the total, over `rounds` runs. */
async function profile(title: string, rounds: number, work: (times: Map<string, number>) => Promise<void>): Promise<void> {
  const times = new Map<string, number>();
  const started = performance.now();
  for (let round = 0; round < rounds; round++) await work(times);
  const total = (performance.now() - started) / rounds;
  log(`\n${title}: ${total.toFixed(1)} ms a run, of which in statements:`);
  for (const [sql, ms] of times) log(`  ${(ms / rounds).toFixed(1).padStart(7)} ms  ${sql}…`);
  const statements = [...times.values()].reduce((sum, ms) => sum + ms, 0) / rounds;
  log(
    `  ${(total - statements).toFixed(1).padStart(7)} ms  outside them: the transaction's start, its commit (with the match's writes and announcement it carries) and the work in Node`,
  );
}

function printPlans(title: string, plans: Plans): void {
  log(`\n${title}`);
  // Each statement once, unless its plan changed from one run to the next (a generic plan, say).
  const seen = new Set<string>();
  for (const { sql, plan } of plans) {
    const key = `${sql}\n${plan.join('\n')}`;
    if (seen.has(key)) continue;
    seen.add(key);
    log(`  ${sql}…`);
    for (const line of plan) log(`      ${line.length > 160 ? `${line.slice(0, 160)}…` : line}`);
  }
  // A whole table, or the whole of one tenant's part of it: an index scan on the tenant alone.
  const full = plans
    .flatMap(({ plan }) => plan)
    .filter(
      (line) =>
        /Seq Scan on (components|evidence|advisories|advisory_packages|advisory_exposures|vex_statements)\b/.test(line) ||
        /Index Cond: \(tenant_id = [^()]*\)$/.test(line.trim()),
    );
  if (full.length > 0) throw new Error(`a statement reads a whole table: ${full.join('; ')}`);
}

function ratio(label: string, subject: number, baseline: number): void {
  log(`${label}: ${subject.toFixed(1)} ms against an indexed lookup of the same purls in ${baseline.toFixed(1)} ms — ${(subject / baseline).toFixed(2)}×`);
}

async function main(): Promise<void> {
  const infrastructure = await migratedInfrastructure();
  const owner = new Client({ connectionString: infrastructure.env['DATABASE_MIGRATION_URL'] });
  let dataSource: DataSource | undefined;
  try {
    await owner.connect();
    const config = loadConfig('evidence', infrastructure.env);
    dataSource = await createRuntimeDataSource(config.database, { name: 'bench' }).initialize();
    const database = new TenantDatabase(dataSource, config.database.systemRole);
    const exposures = new AdvisoryExposuresRepository();
    const documents = new EvidenceDocuments(createBlobStorage(config), config);
    const inquiryAnswers = new InquiryAnswersService(new InquiriesRepository(), exposures);
    const matching = new AdvisoryMatchingService(database, exposures, new EvidenceRepository(), documents, inquiryAnswers);
    const advisories = new AdvisoriesRepository();

    const tenants = Array.from({ length: TENANTS }, () => randomUUID());
    const target = tenants[0] as string;
    log(`seeding ${COMPONENTS.toLocaleString('en-GB')} components over ${TENANTS} tenants…`);
    for (const tenant of tenants) {
      await seedSuppliersAndSboms(owner, tenant, SBOMS);
      await owner.query(
        `with e as (select array_agg(id order by id) as ids, array_agg(supplier_id order by id) as suppliers from evidence.evidence where tenant_id = $1)
         insert into evidence.components (tenant_id, id, evidence_id, supplier_id, purl, purl_base, name, version, type, licences)
         select $1, gen_random_uuid(), e.ids[1 + n % ${SBOMS}], e.suppliers[1 + n % ${SBOMS}], 'pkg:npm/filler-' || (n % 50000) || '@1.' || (n % 40) || '.0',
                'pkg:npm/filler-' || (n % 50000), 'filler-' || (n % 50000), '1.' || (n % 40) || '.0', 'library', '{MIT}'
         from e, generate_series(1, $2::bigint) as n`,
        [tenant, Math.floor(COMPONENTS / TENANTS)],
      );
    }
    await owner.query(
      `with e as (select array_agg(id order by id) as ids, array_agg(supplier_id order by id) as suppliers from evidence.evidence where tenant_id = $1)
       insert into evidence.components (tenant_id, id, evidence_id, supplier_id, purl, purl_base, name, version, type, licences)
       select $1, gen_random_uuid(), e.ids[1 + n * 3], e.suppliers[1 + n * 3], 'pkg:maven/org.apache.logging.log4j/log4j-core@2.' || (n % 20) || '.0',
              'pkg:maven/org.apache.logging.log4j/log4j-core', 'log4j-core', '2.' || (n % 20) || '.0', 'library', '{Apache-2.0}'
       from e, generate_series(0, ${LOG4J_HITS - 1}) as n`,
      [target],
    );
    // Every tenant's exposures (one advisory each, naming a tenth of its components), so the exposure
    // statements meet a table of a realistic size, in the advisory's tenant too, rather than one only
    // this run fills.
    for (const tenant of tenants) {
      const advisory = randomUUID();
      await owner.query(
        `insert into evidence.advisories (tenant_id, id, source, external_id, external_ids, modified, affected)
         values ($1, $2, 'osv', 'BENCH-OTHER', array['BENCH-OTHER'], now(), '[]')`,
        [tenant, advisory],
      );
      await owner.query(
        `insert into evidence.advisory_exposures (tenant_id, id, advisory_id, evidence_id, supplier_id, product_id, purl, version, status, status_source, matched_at)
         select c.tenant_id, gen_random_uuid(), $2, c.evidence_id, c.supplier_id, c.product_id, c.purl, c.version, 'affected', 'version', now()
           from evidence.components c where c.tenant_id = $1 and c.purl like '%0.0' on conflict do nothing`,
        [tenant, advisory],
      );
    }
    // The tenant's stored advisories, there for both sides: the SBOM is matched against them.
    log(`seeding ${ADVISORIES.toLocaleString('en-GB')} advisories…`);
    await owner.query(
      `insert into evidence.advisories (tenant_id, id, source, external_id, external_ids, modified, affected)
       select $1, gen_random_uuid(), 'osv', 'BENCH-' || n, array['BENCH-' || n], now(), '[]' from generate_series(0, $2::int - 1) as n`,
      [target, ADVISORIES],
    );
    await owner.query(
      `insert into evidence.advisory_packages (tenant_id, id, advisory_id, purl_base, ranges)
       select $1, gen_random_uuid(), a.id, 'pkg:npm/adv-' || substr(a.external_id, 7), '[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"2.0.0"}]}]'
         from evidence.advisories a where a.tenant_id = $1 and a.external_id ~ '^BENCH-[0-9]+$'`,
      [target],
    );
    await owner.query(
      'analyze evidence.suppliers, evidence.evidence, evidence.components, evidence.advisories, evidence.advisory_packages, evidence.advisory_exposures',
    );

    // 1. One new advisory against every stored component.
    const [log4shell] = parseAdvisoryDocument(JSON.parse(LOG4SHELL.toString('utf8'))).advisories;
    if (!log4shell) throw new Error('the Log4Shell record did not parse');
    const advisoryId = await database.run(async (manager) => (await advisories.upsertAdvisory(manager, target, randomUUID(), log4shell)).id, target);
    // As the import worker runs it: the tenant's matching lock taken as the transaction starts.
    const locked = { lock: matchingLock(target) };
    const plans: Plans = [];
    await database.run((manager) => matching.matchAdvisory(explaining(manager, plans, { client: owner, tenant: target }), target, advisoryId), target, locked);
    const stored = Number((await owner.query(`select count(*) from evidence.advisory_exposures where advisory_id = $1`, [advisoryId])).rows[0].count);
    if (stored === 0) throw new Error('the advisory matched nothing');
    const purlBases = ['pkg:maven/org.apache.logging.log4j/log4j-core'];
    const advisoryLookup = async () => {
      await database.run(
        (manager) =>
          manager.query(`select evidence_id, purl, version from evidence.components where tenant_id = $1 and purl_base = any($2::text[])`, [target, purlBases]),
        target,
      );
    };
    // A first match, as an import of a new advisory runs it: each round a copy of the advisory (its own
    // id) never matched before, stored outside the time, so every round writes its exposures and
    // announces them.
    const fresh: string[] = [];
    for (let round = 0; round < 3 * ROUNDS; round++)
      fresh.push(
        await database.run(
          async (manager) =>
            (await advisories.upsertAdvisory(manager, target, randomUUID(), { ...log4shell, externalId: `${log4shell.externalId}-COPY-${round}` })).id,
          target,
        ),
      );
    await owner.query('analyze evidence.advisories, evidence.advisory_packages');
    let next = 0;
    const advisoryFirst = await paired(
      ROUNDS,
      () => database.run((manager) => matching.matchAdvisory(manager, target, fresh[next++] as string), target, locked),
      advisoryLookup,
    );
    // The same advisory matched again with nothing changed, as a re-import of a modified record does.
    const advisoryAgain = await paired(
      ROUNDS,
      () => database.run((manager) => matching.matchAdvisory(manager, target, advisoryId), target, locked),
      advisoryLookup,
    );
    printPlans('Plans: one new advisory', plans);
    await profile("Where one advisory's first match goes", ROUNDS, (times) =>
      database.run((manager) => matching.matchAdvisory(timing(manager, times), target, fresh[next++] as string), target, locked),
    );
    await serverTimes("One advisory's first match", ROUNDS, (times) =>
      database.run((manager) => matching.matchAdvisory(analysing(manager, times), target, fresh[next++] as string), target, locked),
    );
    await profile("Where one advisory's match again goes", ROUNDS, (times) =>
      database.run((manager) => matching.matchAdvisory(timing(manager, times), target, advisoryId), target, locked),
    );
    const emptyUnit = await median(ROUNDS, () => database.run(async () => undefined, target, locked));
    log(`  (an empty unit of work taking the same lock: ${emptyUnit.toFixed(1)} ms, the median of ${ROUNDS})`);
    await serverTimes("One advisory's match again", ROUNDS, (times) =>
      database.run((manager) => matching.matchAdvisory(analysing(manager, times), target, advisoryId), target, locked),
    );

    const componentsStored = Number((await owner.query('select count(*) from evidence.components')).rows[0].count);

    // 2. One new SBOM against every stored advisory.
    const supplier = (await owner.query(`select id from evidence.suppliers where tenant_id = $1 limit 1`, [target])).rows[0].id as string;
    const sbom = randomUUID();
    await owner.query(
      `insert into evidence.evidence (tenant_id, id, supplier_id, kind, status, source, processed_at) values ($1, $2, $3, 'sbom', 'processed', 'upload', now())`,
      [target, sbom, supplier],
    );
    await owner.query(
      `insert into evidence.components (tenant_id, id, evidence_id, supplier_id, purl, purl_base, name, version, type, licences)
       select $1, gen_random_uuid(), $2, $3, p || '@1.0.0', p, p, '1.0.0', 'library', '{MIT}'
         from (select case when n < ${SBOM_HITS} then 'pkg:npm/adv-' || (n * 97 % $4::int) else 'pkg:npm/sbom-only-' || n end as p from generate_series(0, ${SBOM_SIZE - 1}) as n) c`,
      [target, sbom, supplier, ADVISORIES],
    );
    await owner.query('analyze evidence.advisories, evidence.advisory_packages, evidence.components, evidence.advisory_exposures');
    const sbomPlans: Plans = [];
    const matchingWith = (wrap: (manager: EntityManager) => EntityManager) =>
      new AdvisoryMatchingService(wrapped(database, wrap), exposures, new EvidenceRepository(), documents, inquiryAnswers);
    const first = await matching.matchEvidence(target, sbom);
    if (first.exposures !== SBOM_HITS) throw new Error(`expected ${SBOM_HITS} exposures, got ${first.exposures}`);
    await owner.query('analyze evidence.advisory_exposures');
    // A match again's statements, EXPLAINed.
    await matchingWith((manager) => explaining(manager, sbomPlans, { client: owner, tenant: target })).matchEvidence(target, sbom);
    const sbomPurls = (await owner.query(`select purl_base from evidence.components where evidence_id = $1`, [sbom])).rows.map(
      (row) => row.purl_base as string,
    );
    const sbomLookup = async () => {
      await database.run(
        (manager) =>
          manager.query(`select advisory_id, ranges, versions from evidence.advisory_packages where tenant_id = $1 and purl_base = any($2::text[])`, [
            target,
            sbomPurls,
          ]),
        target,
      );
    };
    // A first match, as the intake of a new SBOM runs it: each round a copy of the SBOM (its own
    // evidence) never matched before, stored outside the time.
    const copies = (
      await owner.query(
        `insert into evidence.evidence (tenant_id, id, supplier_id, kind, status, source, processed_at)
         select $1, gen_random_uuid(), $2, 'sbom', 'processed', 'upload', now() from generate_series(1, $3::int) returning id`,
        [target, supplier, 2 * ROUNDS + 1],
      )
    ).rows.map((row) => row.id as string);
    await owner.query(
      `insert into evidence.components (tenant_id, id, evidence_id, supplier_id, purl, purl_base, name, version, type, licences)
       select $1, gen_random_uuid(), e.id, c.supplier_id, c.purl, c.purl_base, c.name, c.version, c.type, c.licences
         from unnest($3::uuid[]) as e(id), evidence.components c where c.tenant_id = $1 and c.evidence_id = $2`,
      [target, sbom, copies],
    );
    await owner.query('analyze evidence.evidence, evidence.components');
    // The first match's statements are EXPLAINed too (a copy of its own).
    await matchingWith((manager) => explaining(manager, sbomPlans, { client: owner, tenant: target })).matchEvidence(target, copies[0] as string);
    let nextCopy = 1;
    const sbomFirst = await paired(ROUNDS, () => matching.matchEvidence(target, copies[nextCopy++] as string).then(() => undefined), sbomLookup);
    // The same SBOM matched again with nothing changed.
    const sbomAgain = await paired(ROUNDS, () => matching.matchEvidence(target, sbom).then(() => undefined), sbomLookup);
    printPlans('Plans: one new SBOM', sbomPlans);
    await profile("Where one SBOM's first match goes", ROUNDS, (times) =>
      matchingWith((manager) => timing(manager, times))
        .matchEvidence(target, copies[nextCopy++] as string)
        .then(() => undefined),
    );
    await profile("Where one SBOM's match again goes", ROUNDS, (times) =>
      matchingWith((manager) => timing(manager, times))
        .matchEvidence(target, sbom)
        .then(() => undefined),
    );
    await serverTimes("One SBOM's match again", ROUNDS, (times) =>
      matchingWith((manager) => analysing(manager, times))
        .matchEvidence(target, sbom)
        .then(() => undefined),
    );

    log('');
    const advisoryLabel = `one advisory against ${componentsStored.toLocaleString('en-GB')} components (${stored} exposures)`;
    ratio(`First match of ${advisoryLabel}`, advisoryFirst.subject, advisoryFirst.baseline);
    ratio(`Match again of ${advisoryLabel}, nothing changed`, advisoryAgain.subject, advisoryAgain.baseline);
    const sbomLabel = `one ${SBOM_SIZE.toLocaleString('en-GB')}-component SBOM against ${ADVISORIES.toLocaleString('en-GB')} advisories (${SBOM_HITS} exposures)`;
    ratio(`First match of ${sbomLabel}`, sbomFirst.subject, sbomFirst.baseline);
    ratio(`Match again of ${sbomLabel}, nothing changed`, sbomAgain.subject, sbomAgain.baseline);
  } finally {
    await dataSource?.destroy();
    await owner.end().catch(() => undefined);
    await infrastructure.stop();
  }
}

runBenchmark(main);
