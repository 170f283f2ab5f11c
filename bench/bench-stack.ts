import { IdentityTokenIssuer, INTERNAL_IDENTITY_HEADER } from '@assay/shared/auth';
import { loadConfig } from '@assay/shared/config';
import type { Identity, ServiceName } from '@assay/shared/contracts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// The benchmarks boot the stack exactly as `npm start` and the tests do.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { RunningStack, startStack } from '../tools/stack';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { processLayoutOf } from '../tools/process-layout';
import { log } from './bench-runner';

export interface BenchTenant {
  accessToken: string;
  /** The identity the gateway vouches for when this user calls (what it puts in identity tokens). */
  identity: Identity;
}

/**
 * The whole stack as `npm start` runs it (embedded Postgres, redis-server, every service, the worker
 * and the gateway on free ports, in the processes ASSAY_PROCESSES chooses, `combined` by default), quiet (LOG_LEVEL=warn) and with rate limits out of the way, plus
 * helpers to sign up through the gateway and to call a service directly as the gateway would.
 */
export async function startBenchStack() {
  const dataDir = mkdtempSync(join(tmpdir(), 'assay-bench-'));
  log('starting the stack…');
  // The processes' output is kept (the last lines) and shown only when the stack fails to start.
  const output: string[] = [];
  let stack: RunningStack;
  try {
    stack = await startStack({
      dataDir,
      persistent: false,
      ports: 'free',
      layout: processLayoutOf(process.env['ASSAY_PROCESSES']),
      extraEnv: { NODE_ENV: 'development', LOG_LEVEL: 'warn', RATE_LIMIT_MAX: '1000000' },
      readyTimeoutMs: 180_000,
      // BENCH_CPU_PROF=<dir>: every process writes a V8 CPU profile there when the stack stops.
      // BENCH_NODE_OPTIONS: more Node options for every process (e.g. heap settings to compare).
      nodeOptions: [
        ...(process.env['BENCH_CPU_PROF'] ? ['--cpu-prof', `--cpu-prof-dir=${process.env['BENCH_CPU_PROF']}`] : []),
        ...(process.env['BENCH_NODE_OPTIONS'] ?? '').split(' ').filter(Boolean),
      ],
      output: (name, line) => output.push(`${name} ${line}`) > 200 && output.shift(),
    });
  } catch (error) {
    process.stderr.write(`${output.join('\n')}\n`);
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const issuer = new IdentityTokenIssuer(loadConfig('gateway', stack.env).internalTokenPrivateKey as string);

  async function gatewayJson(path: string, init: { method?: string; token?: string; json?: unknown }): Promise<any> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (init.token) headers['authorization'] = `Bearer ${init.token}`;
    const response = await fetch(`${stack.gatewayUrl}${path}`, { method: init.method ?? 'POST', headers, body: JSON.stringify(init.json) });
    const body = await response.json();
    if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(body)}`);
    return body;
  }

  return {
    stack,
    gatewayJson,
    async signup(): Promise<BenchTenant> {
      const unique = Math.random().toString(36).slice(2, 10);
      const body = await gatewayJson('/api/v1/auth/signup', {
        json: { email: `bench-${unique}@example.test`, password: `Bench password ${unique}`, name: 'Bench Owner', organisationName: `Bench ${unique}` },
      });
      const identity: Identity = {
        kind: 'user',
        principalId: body.user.id,
        tenantId: body.tenant.id,
        role: 'owner',
        scopes: [],
        portal: null,
        requestId: 'bench',
      };
      return { accessToken: body.accessToken, identity };
    },
    /** Headers for a direct call to a service, with the identity token the gateway would mint (valid 60 s). */
    async serviceHeaders(identity: Identity, service: ServiceName): Promise<Record<string, string>> {
      return { [INTERNAL_IDENTITY_HEADER]: await issuer.issue(identity, service) };
    },
    async stop(): Promise<void> {
      await stack.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
