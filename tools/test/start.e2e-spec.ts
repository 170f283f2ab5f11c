import { freePort } from '@assay/shared/local-infra';
import { waitFor } from '@assay/shared/testing';
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/*
 * `npm start` as a user runs it (the compiled start command, its default process layout), on free
 * ports and with infrastructure of its own (embedded Postgres and redis-server, in a data directory
 * of its own), apart from the test stack: every part runs in one Node process, each service still
 * answers on its own port, a request from the example session goes through the gateway (one without
 * a body, and every subgraph call, reaches its service in the process, without a connection), and
 * SIGTERM stops every part and the infrastructure, and the command exits 0.
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

/** How many established TCP connections process `pid` holds to `port` (Linux: its sockets' inodes in /proc/net/tcp and tcp6). */
function connectionsOf(pid: number, port: number): number {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const target = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (target) inodes.add(target[1] as string);
    } catch {
      // closed meanwhile
    }
  }
  let count = 0;
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      // sl, local address, remote address, state (01: established), …, inode (10th)
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10) continue;
      if (parseInt((fields[2] as string).split(':')[1] as string, 16) === port && fields[3] === '01' && inodes.has(fields[9] as string)) count++;
    }
  }
  return count;
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

    // Requests without a body reach the assessments service in the process: answered as through a
    // connection (limits counted, the request id, the service's diagnostics left out), none opened.
    const catalogue = await fetch(`${gateway}/api/v1/frameworks/uk-sscop`);
    expect(catalogue.status).toBe(200);
    expect(((await catalogue.json()) as { key: string }).key).toBe('uk-sscop');
    const list = await fetch(`${gateway}/api/v1/suppliers?limit=5`, { headers: { authorization: `Bearer ${accessToken}`, 'x-request-id': 'start-e2e-list' } });
    expect(list.status).toBe(200);
    expect(await list.json()).toEqual({ data: [], nextCursor: null });
    expect(list.headers.get('x-request-id')).toBe('start-e2e-list');
    expect(list.headers.get('ratelimit-limit')).toMatch(/^\d+$/);
    expect(list.headers.get('x-assay-db-queries')).toBeNull();
    // The service's own access guard still decides in the process: an anonymous request with an identity
    // header of its own is refused (which headers reach the service: forward-in-process.spec.ts).
    const forged = await fetch(`${gateway}/api/v1/suppliers`, { headers: { 'x-assay-identity': 'forged' } });
    expect(forged.status).toBe(401);
    expect(connectionsOf(combined, ports.ASSESSMENTS_PORT)).toBe(0);

    const supplier = await fetch(`${gateway}/api/v1/suppliers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
      body: JSON.stringify({ name: 'Acme Software', tier: 'high', role: 'developer_distributor' }),
    });
    expect(supplier.status).toBe(201);
    // A body is forwarded over a connection, which the count above would have seen.
    expect(connectionsOf(combined, ports.ASSESSMENTS_PORT)).toBeGreaterThan(0);
    const graphql = await fetch(`${gateway}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
      body: JSON.stringify({ query: '{ suppliers(first: 5) { edges { node { name evidence { id } } } } }' }),
    });
    expect(await graphql.json()).toEqual({ data: { suppliers: { edges: [{ node: { name: 'Acme Software', evidence: [] } }] } } });
    // The subgraph calls went to the services in the process too: none over a connection to the evidence service.
    expect(connectionsOf(combined, ports.EVIDENCE_PORT)).toBe(0);

    start.kill('SIGTERM');
    expect(await exited).toEqual({ code: 0, signal: null });
    // The combined process closed every part, gateway first, then the rest.
    expect(output.join('\n')).toMatch(/SIGTERM, stopped (?=.*tenancy)(?=.*assessments)(?=.*evidence)(?=.*notifications)(?=.*worker)(?=.*gateway)/);
    expect(alive(combined)).toBe(false);
    await expect(fetch(`${gateway}/health/live`)).rejects.toThrow();
  }, 300_000);
});
