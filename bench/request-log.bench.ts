/**
 * The request log's cost: the same answer (a page of 20 suppliers as JSON, with rate-limit headers)
 * served by a bare Node HTTP server, and by one that first runs the request logger every Assay
 * process runs (pino-http with `requestLogOptions`, writing to /dev/null, so the cost of the write
 * itself is left out), loaded one after the other, twice, in turn in either order. Prints requests a second, the CPU time per request of this process (the
 * load generator included, alike on both sides) and the logger's share of it.
 *
 *   npm run bench:request-log        # BENCH_SECONDS, BENCH_CONNECTIONS to change
 */
import { requestLogOptions } from '@assay/shared/http';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { pinoHttp } from 'pino-http';
import { log, runBenchmark } from './bench-runner';
import { loadHttp } from './load';

const PAGE = JSON.stringify({
  items: Array.from({ length: 20 }, (_, n) => ({ id: `0190c3e2-0000-7000-8000-${String(n).padStart(12, '0')}`, name: `Supplier ${n}`, tier: 'high' })),
});

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** Requests a second and CPU microseconds per request of `handle` under load. */
async function measure(label: string, handle: Handler): Promise<{ rps: number; cpuUs: number }> {
  const server = createServer((req, res) => {
    handle(req, res);
    res.setHeader('content-type', 'application/json; charset=utf-8');
    res.setHeader('x-ratelimit-limit', '600');
    res.setHeader('x-ratelimit-remaining', '599');
    res.end(PAGE);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    let started = process.cpuUsage();
    let cpu = started;
    const figures = await loadHttp(
      label,
      {
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/suppliers?limit=20`,
        headers: { 'x-request-id': 'bench-request-log', authorization: 'Bearer not-logged' },
      },
      (body) => Array.isArray(body?.items),
      undefined,
      (phase) => (phase === 'start' ? (started = process.cpuUsage()) : (cpu = process.cpuUsage(started))),
    );
    return { rps: figures.rps, cpuUs: (cpu.user + cpu.system) / Math.max(1, figures.requests) };
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

async function main(): Promise<void> {
  const logger = pinoHttp({ ...requestLogOptions({ logLevel: 'info', processName: 'gateway' }), stream: pino.destination({ dest: '/dev/null', sync: false }) });
  const bare: Handler = () => undefined;
  const logged: Handler = (req, res) => logger(req, res);
  log('request log: a bare HTTP server against the same server running the request logger first');
  for (let round = 1; round <= 2; round++) {
    // Each round in the other order, so neither side always runs on a machine warmed by the other.
    const first = round % 2 === 1 ? await measure('bare', bare) : await measure('with the request log', logged);
    const second = round % 2 === 1 ? await measure('with the request log', logged) : await measure('bare', bare);
    const [without, withLog] = round % 2 === 1 ? [first, second] : [second, first];
    log(
      `round ${round}: bare ${Math.round(without.rps)} req/s, ${without.cpuUs.toFixed(1)} µs CPU a request; ` +
        `with the request log ${Math.round(withLog.rps)} req/s, ${withLog.cpuUs.toFixed(1)} µs; ` +
        `the log's own ${(withLog.cpuUs - without.cpuUs).toFixed(1)} µs a request (ratio ${(withLog.rps / without.rps).toFixed(2)})`,
    );
  }
}

runBenchmark(main);
