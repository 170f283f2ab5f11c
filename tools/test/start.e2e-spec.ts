import { freePort } from '@assay/shared/local-infra';
import { waitFor } from '@assay/shared/testing';
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/*
 * `npm start` as a user runs it (the compiled start command, its default process layout), on free
 * ports and with infrastructure of its own (embedded Postgres and redis-server, in a data directory
 * of its own), apart from the test stack: every part runs in one Node process, each service still
 * answers on its own port, a request from the example session goes through the gateway, and SIGTERM
 * stops every part and the infrastructure, and the command exits 0.
 */

const START = join(__dirname, '..', '..', 'dist', 'tools', 'start.js');
const STACK_VARIABLES = /^(DATABASE_|REDIS_URL|PORT$|GATEWAY_PORT|TENANCY_|ASSESSMENTS_|EVIDENCE_|NOTIFICATIONS_|PUBLIC_URL|ASSAY_|STORAGE_URL|SMTP_URL)/;

/** The pids and command names of a process's children (procps). */
function childrenOf(pid: number): { pid: number; command: string }[] {
  try {
    return execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .map((line) => line.trim().split(/\s+/))
      .filter(([child]) => child)
      .map(([child, command]) => ({ pid: Number(child), command: command as string }));
  } catch {
    return []; // ps exits 1 when there are none
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('npm start', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'assay-start-'));
  let start: ChildProcess | undefined;
  const output: string[] = [];

  afterAll(async () => {
    if (start && start.exitCode === null && start.signalCode === null) {
      start.kill('SIGKILL');
      await new Promise((resolve) => start?.once('exit', resolve));
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs every part in one process, serves through the gateway and stops all of it on SIGTERM', async () => {
    const ports = { PORT: 0, TENANCY_PORT: 0, ASSESSMENTS_PORT: 0, EVIDENCE_PORT: 0, NOTIFICATIONS_PORT: 0 };
    for (const name of Object.keys(ports) as (keyof typeof ports)[]) ports[name] = await freePort();
    // The test stack's own settings stay out: this stack provisions its own, as `npm start` does.
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !STACK_VARIABLES.test(name)));
    start = spawn(process.execPath, ['--enable-source-maps', START], {
      env: {
        ...inherited,
        ...Object.fromEntries(Object.entries(ports).map(([name, port]) => [name, String(port)])),
        ASSAY_DATA_DIR: dataDir,
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      start?.once('exit', (code, signal) => resolve({ code, signal })),
    );
    for (const stream of [start.stdout, start.stderr]) stream?.on('data', (chunk: Buffer) => output.push(...chunk.toString().split('\n')));
    await waitFor(async () => output.some((line) => line.includes('Assay is ready')), 'npm start to be ready', 240_000);

    // One Node process runs every part (besides Postgres and redis-server).
    const nodeChildren = childrenOf(start.pid as number).filter((child) => child.command === 'node');
    expect(nodeChildren).toHaveLength(1);
    const combined = nodeChildren[0]?.pid as number;
    // Each service on its own port, as the gateway's upstreams and the supergraph expect.
    for (const name of ['TENANCY_PORT', 'ASSESSMENTS_PORT', 'EVIDENCE_PORT', 'NOTIFICATIONS_PORT', 'PORT'] as const) {
      expect((await fetch(`http://127.0.0.1:${ports[name]}/health/ready`)).status).toBe(200);
    }

    // The example session's first steps, through the gateway.
    const gateway = `http://127.0.0.1:${ports.PORT}`;
    const signup = await fetch(`${gateway}/api/v1/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'sam@example.com', password: 'correct horse battery staple', name: 'Sam', organisationName: 'Example Bank' }),
    });
    expect(signup.status).toBe(201);
    const { accessToken } = (await signup.json()) as { accessToken: string };
    const supplier = await fetch(`${gateway}/api/v1/suppliers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
      body: JSON.stringify({ name: 'Acme Software', tier: 'high', role: 'developer_distributor' }),
    });
    expect(supplier.status).toBe(201);
    const graphql = await fetch(`${gateway}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
      body: JSON.stringify({ query: '{ suppliers(first: 5) { edges { node { name evidence { id } } } } }' }),
    });
    expect(await graphql.json()).toEqual({ data: { suppliers: { edges: [{ node: { name: 'Acme Software', evidence: [] } }] } } });

    start.kill('SIGTERM');
    expect(await exited).toEqual({ code: 0, signal: null });
    // The combined process closed every part, gateway first, then the rest.
    expect(output.join('\n')).toMatch(/SIGTERM, stopped (?=.*tenancy)(?=.*assessments)(?=.*evidence)(?=.*notifications)(?=.*worker)(?=.*gateway)/);
    expect(alive(combined)).toBe(false);
    await expect(fetch(`${gateway}/health/live`)).rejects.toThrow();
  }, 300_000);
});
