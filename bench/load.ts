import autocannon from 'autocannon';
import { log } from './bench-runner';

/** Seconds of measured load per side (after a short warm-up); BENCH_SECONDS to change. */
export const LOAD_SECONDS = Number(process.env['BENCH_SECONDS'] ?? 15);
/** Concurrent connections (HTTP) or in-flight queries (pg) per side; BENCH_CONNECTIONS to change. */
export const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 10);
const WARM_UP_SECONDS = 2;

export interface LoadFigures {
  label: string;
  /** Completed requests per second over the measured period. */
  rps: number;
  p50: number;
  p99: number;
  requests: number;
}

export interface HttpTarget {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
}

/** One request sent by hand first, so a benchmark never measures an error page. */
async function checkTarget(label: string, target: HttpTarget, check: (body: any) => boolean): Promise<void> {
  const response = await fetch(target.url, { method: target.method ?? 'GET', headers: target.headers, body: target.body });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  if (response.status !== 200 || !check(body)) throw new Error(`${label}: unexpected answer ${response.status} ${text.slice(0, 300)}`);
}

function runAutocannon(target: HttpTarget, seconds: number, connections: number): Promise<autocannon.Result> {
  return autocannon({ ...target, connections, duration: seconds, pipelining: 1 } as autocannon.Options);
}

/** Loads one HTTP target with autocannon (warm-up, then LOAD_SECONDS); fails on any error or non-2xx answer. */
export async function loadHttp(
  label: string,
  target: HttpTarget,
  check: (body: any) => boolean,
  connections = CONNECTIONS,
  /** Called right before and right after the measured period (after the warm-up). */
  measured?: (phase: 'start' | 'end') => void,
): Promise<LoadFigures> {
  await checkTarget(label, target, check);
  await runAutocannon(target, WARM_UP_SECONDS, connections);
  measured?.('start');
  const result = await runAutocannon(target, LOAD_SECONDS, connections);
  measured?.('end');
  const failed = result.errors + result.timeouts + result.non2xx;
  if (failed > 0)
    throw new Error(
      `${label}: ${failed} of ${result.requests.total} requests failed (errors ${result.errors}, timeouts ${result.timeouts}, non-2xx ${result.non2xx})`,
    );
  return { label, rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, requests: result.requests.total };
}

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? 0;
}

/** `concurrency` loops each awaiting `operation` back to back for the given time; latencies of every call. */
async function runLoops(operation: () => Promise<void>, seconds: number, concurrency: number): Promise<number[]> {
  const latencies: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const started = performance.now();
        await operation();
        latencies.push(performance.now() - started);
      }
    }),
  );
  return latencies;
}

/** Like loadHttp for an in-process operation (a query): concurrent loops, warm-up, then LOAD_SECONDS. */
export async function loadOperation(label: string, operation: () => Promise<void>, concurrency = CONNECTIONS): Promise<LoadFigures> {
  await runLoops(operation, WARM_UP_SECONDS, concurrency);
  const started = performance.now();
  const latencies = await runLoops(operation, LOAD_SECONDS, concurrency);
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { label, rps: latencies.length / elapsed, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), requests: latencies.length };
}

/** Prints both sides and the ratios subject / baseline (throughput and latency). */
export function report(title: string, baseline: LoadFigures, subject: LoadFigures): void {
  const row = (figures: LoadFigures) =>
    `${figures.label.padEnd(44)} ${figures.rps.toFixed(0).padStart(8)} ${figures.p50.toFixed(2).padStart(9)} ${figures.p99.toFixed(2).padStart(9)} ${String(figures.requests).padStart(9)}`;
  log(`\n${title} (${CONNECTIONS} concurrent, ${LOAD_SECONDS} s per side)`);
  log(`${'side'.padEnd(44)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(9)} ${'p99 ms'.padStart(9)} ${'requests'.padStart(9)}`);
  log(row(baseline));
  log(row(subject));
  const ratio = (a: number, b: number) => (b > 0 ? (a / b).toFixed(2) : 'n/a');
  log(
    `ratio subject/baseline: throughput ${ratio(subject.rps, baseline.rps)}, p50 latency ${ratio(subject.p50, baseline.p50)}, p99 latency ${ratio(subject.p99, baseline.p99)}`,
  );
}
