/**
 * SBOM ingestion, from accepted upload to committed rows: CycloneDX 1.5 SBOMs of 5,000 and 50,000
 * components (BENCH_COMPONENTS to change, comma-separated), then a CycloneDX 1.7 and an SPDX 3.0
 * JSON-LD SBOM of 50,000 components (BENCH_FORMAT_COMPONENTS to change, 0 to skip) are stored as an upload is (blob in
 * storage, evidence row `pending`), then the real worker process (WORKER_QUEUES=evidence-ingestion)
 * picks the `evidence.ingest` job up, reads the blob, detects, parses with every guard, normalises,
 * checks, writes the components and commits the outcome with its event; the clock stops when the
 * job reports completion. The baseline, in the same run on the same database, is `JSON.parse` of the
 * same bytes plus `COPY` of the same rows into an equivalent table (same columns and indexes, no
 * row-level security), committed. Prints both, their ratio (target ≤ 3) and the worker's peak RSS
 * (VmHWM of the worker process, a fresh one per size; target ≤ 256 MB at 50,000 components).
 *
 *   npm run bench:ingestion            # embedded Postgres and a local redis-server, like npm test
 *   BENCH_COMPONENTS=20000 npm run bench:ingestion
 */
import 'reflect-metadata';
import { blobKey, createBlobStorage } from '@assay/evidence';
import { loadConfig } from '@assay/shared/config';
import { JobName, QueueName } from '@assay/shared/contracts';
import { WORKER_NODE_OPTIONS } from '@assay/shared/local-infra';
import { queuePrefix } from '@assay/shared/queue';
import { createRedisConnection } from '@assay/shared/redis';
import { cycloneDxSbom, spdx3Sbom } from '@assay/shared/testing';
import { Queue, QueueEvents } from 'bullmq';
import { ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { log, runBenchmark } from './bench-runner';
import { migratedInfrastructure } from './bench-database';

const SIZES = (process.env['BENCH_COMPONENTS'] ?? '5000,50000').split(',').map((size) => Number(size.trim()));
const FORMAT_SIZE = Number(process.env['BENCH_FORMAT_COMPONENTS'] ?? 50_000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);

/** A component as the baseline writes it: what the worker stores of each. */
interface BaselineComponent {
  purl: string | null;
  name: string;
  version: string | null;
  type: string | null;
  licences: string[];
  hashes: Record<string, string>;
}

/** One benchmark case: a document and how the baseline reads its components out of the parsed JSON. */
interface BenchCase {
  label: string;
  size: number;
  content: () => Buffer;
  components: (document: Record<string, unknown>) => BaselineComponent[];
}

/** CycloneDX: the `components` array. */
function cycloneDxComponents(document: Record<string, unknown>): BaselineComponent[] {
  return (document['components'] as Record<string, unknown>[]).map((component) => ({
    purl: (component['purl'] as string | undefined) ?? null,
    name: component['name'] as string,
    version: (component['version'] as string) ?? null,
    type: (component['type'] as string) ?? null,
    licences: ((component['licenses'] as { license: { id: string } }[]) ?? []).map((choice) => choice.license.id),
    hashes: Object.fromEntries(((component['hashes'] as { alg: string; content: string }[]) ?? []).map((hash) => [hash.alg, hash.content])),
  }));
}

/** SPDX 3.0: the packages of `@graph` but the SBOM's root, licences through their relationships. */
function spdx3Components(document: Record<string, unknown>): BaselineComponent[] {
  const graph = document['@graph'] as Record<string, unknown>[];
  const expressions = new Map<string, string>();
  const licenceOf = new Map<string, string>();
  const roots = new Set<string>();
  for (const element of graph) {
    if (element['type'] === 'simplelicensing_LicenseExpression')
      expressions.set(element['spdxId'] as string, element['simplelicensing_licenseExpression'] as string);
    else if (element['type'] === 'software_Sbom') for (const root of element['rootElement'] as string[]) roots.add(root);
    else if (element['type'] === 'Relationship' && element['relationshipType'] === 'hasConcludedLicense')
      licenceOf.set(element['from'] as string, (element['to'] as string[])[0] as string);
  }
  return graph
    .filter((element) => element['type'] === 'software_Package' && !roots.has(element['spdxId'] as string))
    .map((pkg) => {
      const licence = expressions.get(licenceOf.get(pkg['spdxId'] as string) ?? '');
      const purl = (pkg['software_packageUrl'] as string | undefined) ?? null;
      return {
        purl,
        name: pkg['name'] as string,
        version: (pkg['software_packageVersion'] as string) ?? null,
        type: purl ? purl.slice(4, purl.indexOf('/')) : null,
        licences: licence ? [licence] : [],
        hashes: Object.fromEntries(
          ((pkg['verifiedUsing'] as { algorithm: string; hashValue: string }[]) ?? []).map((hash) => [hash.algorithm, hash.hashValue]),
        ),
      };
    });
}

const CASES: BenchCase[] = [
  ...SIZES.map((size) => ({ label: 'CycloneDX 1.5', size, content: () => cycloneDxSbom(size), components: cycloneDxComponents })),
  ...(FORMAT_SIZE > 0
    ? [
        { label: 'CycloneDX 1.7', size: FORMAT_SIZE, content: () => cycloneDxSbom(FORMAT_SIZE, 'bench-app', '1.7'), components: cycloneDxComponents },
        { label: 'SPDX 3.0 JSON-LD', size: FORMAT_SIZE, content: () => spdx3Sbom(FORMAT_SIZE), components: spdx3Components },
      ]
    : []),
];
const COLUMNS = 'tenant_id, id, evidence_id, supplier_id, product_id, purl, purl_base, name, version, type, licences, hashes';

/** COPY text format: backslash, tab, newline and carriage return escaped; null as \N. */
const field = (value: string | null) =>
  value === null ? '\\N' : value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
const textArray = (values: string[]) => `{${values.map((value) => `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;

/** The baseline: JSON.parse of the bytes, then the same rows straight into a table with COPY, committed. */
async function parseAndCopy(
  owner: Client,
  content: Buffer,
  read: BenchCase['components'],
  ids: { tenantId: string; evidenceId: string; supplierId: string },
): Promise<number> {
  const components = read(JSON.parse(content.toString('utf8')) as Record<string, unknown>);
  await owner.query('begin');
  const copy = owner.query(copyFrom(`copy bench.components (${COLUMNS}) from stdin`));
  const rows = Readable.from(
    (function* () {
      for (const { purl, name, version, type, licences, hashes } of components) {
        yield [
          ids.tenantId,
          randomUUID(),
          ids.evidenceId,
          ids.supplierId,
          null,
          purl,
          purl?.replace(/@[^@/]*$/, '') ?? null,
          name,
          version,
          type,
          textArray(licences),
          JSON.stringify(hashes),
        ]
          .map(field)
          .join('\t')
          .concat('\n');
      }
    })(),
  );
  await pipeline(rows, copy);
  await owner.query('commit');
  return components.length;
}

/** The worker's peak resident set (VmHWM) and current one (VmRSS), in MB. */
function memoryOf(pid: number): { peak: number; current: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { peak: kb('VmHWM') / 1024, current: kb('VmRSS') / 1024 };
}

/** A worker process consuming only the ingestion queue, as deployed; resolves once it consumes. */
async function startWorker(env: Record<string, string>): Promise<ChildProcess> {
  // The compiled worker beside this compiled benchmark (dist/bench → dist/apps/worker).
  const child = fork(join(__dirname, '..', 'apps', 'worker', 'src', 'main.js'), [], {
    env: { ...env, NODE_ENV: 'production', LOG_LEVEL: 'info', WORKER_QUEUES: QueueName.EvidenceIngestion },
    execArgv: [...WORKER_NODE_OPTIONS],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the worker did not start:\n${output}`)), 120_000);
    const listen = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('consuming')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', listen);
    child.stderr?.on('data', listen);
    child.once('exit', (code) => reject(new Error(`the worker exited with ${code}:\n${output}`)));
  });
  child.stdout?.resume();
  child.stderr?.resume();
  return child;
}

async function stopWorker(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

async function main(): Promise<void> {
  const infrastructure = await migratedInfrastructure(process.env as Record<string, string>);
  try {
    const env = infrastructure.env;
    const config = loadConfig('worker', env);
    const storage = createBlobStorage(config);
    const owner = new Client({ connectionString: env['DATABASE_MIGRATION_URL'] });
    owner.on('error', () => undefined);
    await owner.connect();
    await owner.query('create schema if not exists bench');
    // The equivalent table: same columns, types, defaults and indexes; no row-level security, no foreign key.
    await owner.query('create table bench.components (like evidence.components including all)');
    const prefix = queuePrefix(config.redis.mode, QueueName.EvidenceIngestion);
    const connections = [createRedisConnection(config.redis, 'producer', 'bench'), createRedisConnection(config.redis, 'worker', 'bench-events')] as const;
    const queue = new Queue(QueueName.EvidenceIngestion, { connection: connections[0], prefix });
    const events = new QueueEvents(QueueName.EvidenceIngestion, { connection: connections[1], prefix });
    await events.waitUntilReady();
    const tenantId = randomUUID();

    const figures: string[] = [];
    for (const { label, size, content: make, components: read } of CASES) {
      const content = make();
      // Accepted upload: the blob stored once, as intake does.
      const staged = await storage.stage(Readable.from([content]), content.length + 1);
      const key = blobKey(tenantId, staged.sha256);
      await storage.commit(staged, key);
      await owner.query(`insert into evidence.blobs (tenant_id, id, sha256, size, storage_key) values ($1, $2, $3, $4, $5) on conflict do nothing`, [
        tenantId,
        randomUUID(),
        staged.sha256,
        staged.size,
        key,
      ]);

      const worker = await startWorker(env);
      const idle = memoryOf(worker.pid as number);
      let ingestion = Infinity;
      let baseline = Infinity;
      let memory = idle;
      try {
        for (let round = 0; round < ROUNDS; round++) {
          // The same content is evidence once per supplier: each round is another supplier's upload.
          const evidenceId = randomUUID();
          const supplierId = randomUUID();
          await owner.query(`insert into evidence.suppliers (tenant_id, id, name, status, event_at) values ($1, $2, 'Bench Supplier', 'active', now())`, [
            tenantId,
            supplierId,
          ]);
          await owner.query(
            `insert into evidence.evidence (tenant_id, id, supplier_id, status, source, sha256, size) values ($1, $2, $3, 'pending', 'upload', $4, $5)`,
            [tenantId, evidenceId, supplierId, staged.sha256, staged.size],
          );
          const started = performance.now();
          const job = await queue.add(JobName.EvidenceIngest, { tenantId, evidenceId }, { jobId: evidenceId });
          const result = (await job.waitUntilFinished(events, 600_000)) as { outcome: string };
          ingestion = Math.min(ingestion, performance.now() - started);
          const [row] = (
            await owner.query(
              `select status, error, (select count(*)::int from evidence.components where evidence_id = $1) as components from evidence.evidence where id = $1`,
              [evidenceId],
            )
          ).rows;
          if (result.outcome !== 'processed' || row.components !== size)
            throw new Error(`ingestion ended ${row.status} with ${row.components} components: ${row.error ?? ''}`);

          const baselineStarted = performance.now();
          const copied = await parseAndCopy(owner, content, read, { tenantId, evidenceId: randomUUID(), supplierId });
          baseline = Math.min(baseline, performance.now() - baselineStarted);
          if (copied !== size) throw new Error(`the baseline copied ${copied} rows`);
        }
        memory = memoryOf(worker.pid as number);
      } finally {
        await stopWorker(worker);
      }
      const rate = (ms: number) => Math.round((size / ms) * 1000).toLocaleString('en-GB');
      log(`${label}, ${size.toLocaleString('en-GB')} components (${(content.length / 1024 / 1024).toFixed(1)} MB), best of ${ROUNDS}:`);
      log(`  ingestion, accepted upload to committed rows (worker process): ${ingestion.toFixed(0)} ms, ${rate(ingestion)} components/s`);
      log(`  baseline, JSON.parse + COPY into an equivalent table:         ${baseline.toFixed(0)} ms, ${rate(baseline)} components/s`);
      log(`  ratio ingestion / baseline: ${(ingestion / baseline).toFixed(2)} (target ≤ 3)`);
      log(`  worker RSS: ${idle.current.toFixed(0)} MB idle, peak ${memory.peak.toFixed(0)} MB (target ≤ 256 MB)`);
      figures.push(`${label} ${size}: ratio ${(ingestion / baseline).toFixed(2)}, peak ${memory.peak.toFixed(0)} MB`);
    }
    log(figures.join('; '));
    await events.close();
    await queue.close();
    for (const connection of connections) connection.disconnect();
    await owner.end();
  } finally {
    await infrastructure.stop();
  }
}

runBenchmark(main);
