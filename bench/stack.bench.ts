/**
 * The cost of a request as a user sees it: the stack `npm start` runs (embedded Postgres,
 * redis-server, four services, the worker and the gateway) answering three requests, each against
 * plain Fastify serving the very same response bytes in a process of this run:
 *
 * - the public catalogue (`GET /api/v1/frameworks/uk-sscop`), anonymous;
 * - a tenant's supplier list (`GET /api/v1/suppliers?limit=20`), authenticated and tenant-scoped;
 * - a federated query, 20 suppliers with their evidence (assessments and evidence subgraphs).
 *
 * Prints throughput and p50/p99 ratios (stack / plain Fastify), the CPU time each process of the
 * stack spends per request (from /proc, so a busy machine does not inflate it) and, after the load,
 * the resident memory of every Node process of the stack (one with `npm start`'s default layout).
 *
 *   npm run bench:stack              # 20 connections, 8 s per side; BENCH_SECONDS, BENCH_CONNECTIONS to change
 *   ASSAY_PROCESSES=separate npm run bench:stack   # the stack in another process layout (process-layout.ts)
 */
import 'reflect-metadata';
import Fastify from 'fastify';
import { fork } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { log, runBenchmark } from './bench-runner';
import { startBenchStack } from './bench-stack';
import { LoadFigures, loadHttp, report } from './load';

const SERVE_FLAG = '--serve';
const SUPPLIERS = 20;
const FEDERATED = `{ suppliers(first: ${SUPPLIERS}) { edges { node { id name tier evidence { id status kind } } } } }`;

interface Captured {
  name: string;
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** The stack's answer, served as it is by plain Fastify. */
  bytes: string;
  contentType: string;
}

/** The child: plain Fastify answering each captured path with its bytes. */
async function serve(): Promise<void> {
  const captured = await new Promise<Captured[]>((resolve) => process.once('message', (message) => resolve(message as Captured[])));
  const plain = Fastify({ logger: false });
  for (const request of captured) {
    plain.route({
      method: request.method,
      url: request.path.split('?')[0] as string,
      handler: async (_req, reply) => reply.type(request.contentType).send(request.bytes),
    });
  }
  await plain.listen({ port: 0, host: '127.0.0.1' });
  process.send?.({ port: (plain.server.address() as AddressInfo).port });
  process.once('disconnect', () => process.exit(0));
}

/** Resident memory of a process in MB, from /proc (Linux). */
function residentMb(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Math.round(Number(match[1]) / 1024) : null;
  } catch {
    return null;
  }
}

/** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

interface ProcessTimes {
  parent: number;
  name: string;
  /** User plus system CPU time used so far, in ms. */
  cpuMs: number;
}

/** Every process's parent, name and CPU time so far, from /proc (Linux). */
function processTimes(): Map<number, ProcessTimes> {
  const times = new Map<number, ProcessTimes>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      // Fields after the name: state (3), ppid (4), … utime (14), stime (15).
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ticks = Number(fields[11]) + Number(fields[12]);
      times.set(Number(entry), { parent: Number(fields[1]), name, cpuMs: (ticks * 1000) / TICKS_PER_SECOND });
    } catch {
      // the process ended meanwhile
    }
  }
  return times;
}

/**
 * CPU time so far of every process of the stack, with its part (each app process; Postgres and
 * Redis as every process of theirs started under this benchmark), not counting the benchmark
 * process itself or plain Fastify's.
 */
function stackCpu(apps: Map<number, string>, excluded: Set<number>): Map<number, { part: string; cpuMs: number }> {
  const times = processTimes();
  const underBenchmark = (pid: number): boolean => {
    for (let current = times.get(pid)?.parent; current !== undefined && current > 1; current = times.get(current)?.parent) {
      if (current === process.pid) return true;
    }
    return false;
  };
  const processes = new Map<number, { part: string; cpuMs: number }>();
  for (const [pid, time] of times) {
    if (excluded.has(pid) || !underBenchmark(pid)) continue;
    const part = apps.get(pid) ?? (/^postgres/.test(time.name) ? 'postgres' : /^redis/.test(time.name) ? 'redis' : null);
    if (part) processes.set(pid, { part, cpuMs: time.cpuMs });
  }
  return processes;
}

/** CPU time by part between two snapshots; a process that ended meanwhile is left out (its time is lost with it). */
function cpuByPart(before: Map<number, { part: string; cpuMs: number }>, after: Map<number, { part: string; cpuMs: number }>): Map<string, number> {
  const parts = new Map<string, number>();
  for (const [pid, { part, cpuMs }] of after) parts.set(part, (parts.get(part) ?? 0) + cpuMs - (before.get(pid)?.cpuMs ?? 0));
  return parts;
}

async function main(): Promise<void> {
  const bench = await startBenchStack();
  const child = fork(__filename, [SERVE_FLAG], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    const tenant = await bench.signup();
    const supplierIds: string[] = [];
    for (let index = 0; index < SUPPLIERS; index++) {
      const supplier = await bench.gatewayJson('/api/v1/suppliers', {
        token: tenant.accessToken,
        json: { name: `Bench Supplier ${index}`, tier: 'high', role: 'developer_distributor' },
      });
      supplierIds.push(supplier.id);
    }
    // Evidence names a supplier the evidence service learns of from the supplier's event: retried until it has.
    for (const [index, supplierId] of supplierIds.entries()) {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const form = new FormData();
        form.set('supplierId', supplierId);
        form.set('file', new Blob([`Contact: mailto:security@supplier-${index}.example\nExpires: 2030-01-01T00:00:00Z\n`]), 'security.txt');
        const uploaded = await fetch(`${bench.stack.gatewayUrl}/api/v1/evidence`, {
          method: 'POST',
          headers: { authorization: `Bearer ${tenant.accessToken}` },
          body: form,
        });
        if (uploaded.status === 202) break;
        if (uploaded.status !== 404 || Date.now() > deadline) throw new Error(`evidence upload: ${uploaded.status} ${await uploaded.text()}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
    const bearer = { authorization: `Bearer ${tenant.accessToken}` };
    const requests: Omit<Captured, 'bytes' | 'contentType'>[] = [
      { name: 'public catalogue', method: 'GET', path: '/api/v1/frameworks/uk-sscop', headers: {} },
      { name: 'tenant supplier list', method: 'GET', path: `/api/v1/suppliers?limit=${SUPPLIERS}`, headers: bearer },
      {
        name: 'federated query',
        method: 'POST',
        path: '/graphql',
        headers: { ...bearer, 'content-type': 'application/json' },
        body: JSON.stringify({ query: FEDERATED }),
      },
    ];
    const captured: Captured[] = [];
    for (const request of requests) {
      const response = await fetch(`${bench.stack.gatewayUrl}${request.path}`, { method: request.method, headers: request.headers, body: request.body });
      const bytes = await response.text();
      if (response.status !== 200) throw new Error(`${request.name}: ${response.status} ${bytes.slice(0, 300)}`);
      captured.push({ ...request, bytes, contentType: response.headers.get('content-type') ?? 'application/json' });
    }
    const port = await new Promise<number>((resolve, reject) => {
      child.once('message', (message) => resolve((message as { port: number }).port));
      child.once('exit', (code) => reject(new Error(`plain Fastify process exited with ${code}`)));
      child.send(captured);
    });

    const figures: [string, LoadFigures, LoadFigures][] = [];
    // CPU time per request of every part of the stack: where a request's cost lies, apart from the
    // waiting a busy machine adds to latency (contention still inflates it: compare builds back to back).
    const apps = new Map<number, string>();
    const processNames = bench.stack.processes.map((running) => running.name);
    for (const name of processNames) {
      const pid = bench.stack.supervisor.get(name)?.pid;
      if (pid !== undefined) apps.set(pid, name);
    }
    const excluded = new Set([process.pid, ...(child.pid === undefined ? [] : [child.pid])]);
    const cpuPerRequest: [string, Map<string, number>][] = [];
    for (const request of captured) {
      const expected = JSON.stringify(JSON.parse(request.bytes));
      const sameBytes = (body: unknown) => JSON.stringify(body) === expected;
      const target = (base: string) => ({ url: `${base}${request.path}`, method: request.method, headers: request.headers, body: request.body });
      const plain = await loadHttp(`plain Fastify, the same ${request.bytes.length} bytes`, target(`http://127.0.0.1:${port}`), sameBytes);
      let cpuBefore = new Map<number, { part: string; cpuMs: number }>();
      let cpu = new Map<string, number>();
      const stack = await loadHttp(
        `Assay stack through the gateway`,
        target(bench.stack.gatewayUrl),
        (body) => sameBytes(body) && !(body as { errors?: unknown }).errors,
        undefined,
        (phase) => {
          if (phase === 'start') cpuBefore = stackCpu(apps, excluded);
          else cpu = cpuByPart(cpuBefore, stackCpu(apps, excluded));
        },
      );
      for (const [part, ms] of cpu) cpu.set(part, ms / Math.max(1, stack.requests));
      cpuPerRequest.push([request.name, cpu]);
      report(request.name, plain, stack);
      figures.push([request.name, plain, stack]);
    }

    // autocannon's latencies are whole milliseconds and plain Fastify answers in under one: latencies are shown, not divided.
    log('\nsummary: throughput ratio stack / plain Fastify; p50 and p99 in ms, stack (plain Fastify)');
    for (const [name, plain, stack] of figures) {
      log(`  ${name.padEnd(22)} ${(stack.rps / plain.rps).toFixed(3)}   p50 ${stack.p50} (${plain.p50})   p99 ${stack.p99} (${plain.p99})`);
    }
    log(`\nprocesses: ${bench.stack.processes.map((running) => `${running.name} (${running.parts.join(', ')})`).join('; ')}`);
    const parts = [...processNames, 'postgres', 'redis'];
    log('\nCPU time per request (ms, user + system, during the measured load)');
    log(`  ${''.padEnd(22)} ${parts.map((part) => part.slice(0, 11).padStart(11)).join(' ')}         all`);
    for (const [name, cpu] of cpuPerRequest) {
      const all = [...cpu.values()].reduce((sum, ms) => sum + ms, 0);
      log(`  ${name.padEnd(22)} ${parts.map((part) => (cpu.get(part) ?? 0).toFixed(2).padStart(11)).join(' ')} ${all.toFixed(2).padStart(11)}`);
    }
    const memory = processNames.map((name) => [name, residentMb(bench.stack.supervisor.get(name)?.pid)] as const);
    log('\nresident memory after the load (MB):');
    for (const [name, mb] of memory) log(`  ${name.padEnd(14)} ${mb ?? 'n/a'}`);
    log(`  ${'all'.padEnd(14)} ${memory.reduce((sum, [, mb]) => sum + (mb ?? 0), 0)}`);
  } finally {
    child.disconnect();
    await bench.stop();
  }
}

if (process.argv.includes(SERVE_FLAG)) void serve();
else runBenchmark(main);
