/**
 * The cost of a request as a user sees it: the stack `npm start` runs (embedded Postgres,
 * redis-server, four services, the worker and the gateway) answering three requests, each against
 * plain Fastify serving the very same response bytes in a process of this run:
 *
 * - the public catalogue (`GET /api/v1/frameworks/uk-sscop`), anonymous;
 * - a tenant's supplier list (`GET /api/v1/suppliers?limit=20`), authenticated and tenant-scoped;
 * - a federated query, 20 suppliers with their evidence (assessments and evidence subgraphs).
 *
 * Prints throughput and p50/p99 ratios (stack / plain Fastify) and, after the load, the resident
 * memory of every Node process of the stack.
 *
 *   npm run bench:stack              # 20 connections, 8 s per side; BENCH_SECONDS, BENCH_CONNECTIONS to change
 */
import 'reflect-metadata';
import Fastify from 'fastify';
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { log, runBenchmark } from './bench-runner';
import { startBenchStack } from './bench-stack';
import { LoadFigures, loadHttp, report } from './load';
// The benchmark names the stack's processes as the start command runs them.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { APP_PROCESSES } from '../tools/stack';

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
    for (const request of captured) {
      const expected = JSON.stringify(JSON.parse(request.bytes));
      const sameBytes = (body: unknown) => JSON.stringify(body) === expected;
      const target = (base: string) => ({ url: `${base}${request.path}`, method: request.method, headers: request.headers, body: request.body });
      const plain = await loadHttp(`plain Fastify, the same ${request.bytes.length} bytes`, target(`http://127.0.0.1:${port}`), sameBytes);
      const stack = await loadHttp(
        `Assay stack through the gateway`,
        target(bench.stack.gatewayUrl),
        (body) => sameBytes(body) && !(body as { errors?: unknown }).errors,
      );
      report(request.name, plain, stack);
      figures.push([request.name, plain, stack]);
    }

    // autocannon's latencies are whole milliseconds and plain Fastify answers in under one: latencies are shown, not divided.
    log('\nsummary: throughput ratio stack / plain Fastify; p50 and p99 in ms, stack (plain Fastify)');
    for (const [name, plain, stack] of figures) {
      log(`  ${name.padEnd(22)} ${(stack.rps / plain.rps).toFixed(3)}   p50 ${stack.p50} (${plain.p50})   p99 ${stack.p99} (${plain.p99})`);
    }
    const memory = APP_PROCESSES.map((name) => [name, residentMb(bench.stack.supervisor.get(name)?.pid)] as const);
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
