import { Client } from 'pg';
import { RunningPostgres, RunningRedis, startRedisCluster, startRedisServer } from '@assay/shared/local-infra';
import { SinkMessage, readResponse, receivedMail, startSmtpSink, waitFor } from '@assay/shared/testing';
import { chmodSync, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { type ChildProcess, fork } from 'node:child_process';
import { IncomingHttpHeaders, createServer } from 'node:http';
import { createInterface } from 'node:readline';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AppProcess, RunningStack, appProcess, startStack } from '../stack';

export interface ReceivedWebhook {
  webhookId: string;
  type: string;
  eventId: string;
  data: Record<string, any>;
}

/** A real HTTP receiver for webhooks: records every delivery and answers 204. */
async function startWebhookReceiver() {
  const received: ReceivedWebhook[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        received.push({ webhookId: String(request.headers['webhook-id']), type: body.type, eventId: body.id, data: body.data });
      } catch {
        // not a delivery
      }
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Embedded Postgres in a host process of its own (see postgres-host.ts), started again on the same port when asked. */
function startPostgresHost(dir: string, output: (name: string, line: string) => void, port?: number): Promise<RunningPostgres> {
  const script = resolve(__dirname, '..', '..', 'dist', 'tools', 'faults', 'postgres-host.js');
  const child = fork(script, port ? [dir, String(port)] : [dir], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  for (const stream of [child.stdout, child.stderr]) if (stream) createInterface({ input: stream }).on('line', (line) => output('postgres', line));
  return new Promise((ready, fail) => {
    child.once('exit', (code) => fail(new Error(`the Postgres host exited with ${code}`)));
    child.once('message', (message) => {
      child.removeAllListeners('exit');
      ready({
        adminUrl: (message as { adminUrl: string }).adminUrl,
        stop: () =>
          new Promise<void>((stopped) => {
            if (child.exitCode !== null) return stopped();
            child.once('exit', () => stopped());
            child.kill('SIGTERM');
          }),
      });
    });
  });
}

export interface ApiAnswer {
  status: number;
  headers: IncomingHttpHeaders | Headers;
  body: any;
}

/** Which Redis a fault stack runs on: one `redis-server`, or a Redis Cluster of three masters. */
export type FaultRedis = 'server' | 'cluster';

/** Redis of a fault stack, which a scenario may stop and start again on the same ports with its data. */
async function startFaultRedis(kind: FaultRedis, dir: string): Promise<{ url: string; stop(): Promise<void>; restart(): Promise<void> }> {
  if (kind === 'server') {
    let server: RunningRedis = await startRedisServer(dir, true);
    const port = Number(new URL(server.url).port);
    return {
      url: server.url,
      stop: () => server.stop(),
      restart: async () => {
        server = await startRedisServer(dir, true, port);
      },
    };
  }
  let cluster = await startRedisCluster(dir, true);
  const ports = cluster.ports;
  return {
    url: cluster.url,
    stop: () => cluster.stop(),
    restart: async () => {
      cluster = await startRedisCluster(dir, true, { ports });
    },
  };
}

/**
 * A whole Assay stack of its own for one fault scenario: an embedded Postgres and a redis-server (or
 * a three-master Redis Cluster, `redis: 'cluster'`), append-only like production, that the scenario
 * may stop and start again on the same ports, every service, the worker and the gateway as child
 * processes, a real SMTP server and a webhook receiver. Ticks, retries, job locks and crash recovery
 * are short so faults heal within seconds.
 */
export async function startFaultStack(extraEnv: Record<string, string> = {}, options: { redis?: FaultRedis } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'assay-faults-'));
  // When run as root, the embedded cluster runs as a dedicated user that must be able to traverse it.
  chmodSync(dataDir, 0o755);
  const log = createWriteStream(join(dataDir, 'stack.log'));
  const lines = new Map<string, string[]>();
  const exits: { name: string; code: number | null }[] = [];
  const output = (name: string, line: string) => {
    log.write(`${name.padEnd(13)} ${line}\n`);
    const list = lines.get(name) ?? [];
    list.push(line);
    if (list.length > 2_000) list.shift();
    lines.set(name, list);
  };

  let postgres: RunningPostgres = await startPostgresHost(join(dataDir, 'postgres'), output);
  const postgresPort = Number(new URL(postgres.adminUrl).port);
  const redis = await startFaultRedis(options.redis ?? 'server', join(dataDir, 'redis'));
  const smtpDir = join(dataDir, 'smtp');
  const smtp = await startSmtpSink(smtpDir);
  const receiver = await startWebhookReceiver();

  let stack: RunningStack;
  try {
    stack = await startStack({
      dataDir: join(dataDir, 'stack'),
      persistent: false,
      ports: 'free',
      env: { ...process.env, DATABASE_URL: postgres.adminUrl, DATABASE_MIGRATION_URL: postgres.adminUrl, REDIS_URL: redis.url },
      extraEnv: {
        NODE_ENV: 'test',
        LOG_LEVEL: 'info',
        SMTP_URL: smtp.url,
        OUTBOX_POLL_MS: '100',
        SCHEDULER_TICK_MS: '500',
        SHUTDOWN_GRACE_MS: '10000',
        JOB_LOCK_MS: '10000',
        RECOVERY_AFTER_MS: '10000',
        WEBHOOK_ALLOW_PRIVATE: 'true',
        WEBHOOK_RETRY_BASE_MS: '300',
        WEBHOOK_TIMEOUT_MS: '3000',
        EMAIL_RETRY_BASE_MS: '200',
        RATE_LIMIT_MAX: '1000000',
        AUTH_RATE_LIMIT_MAX: '1000000',
        ...extraEnv,
      },
      output,
      onUnexpectedExit: (name, code) => {
        exits.push({ name, code });
        output('faults', `!! ${name} exited with ${code}`);
      },
      readyTimeoutMs: 180_000,
    });
  } catch (error) {
    await Promise.allSettled([redis.stop(), postgres.stop(), smtp.close(), receiver.close()]);
    throw error;
  }

  async function api(
    path: string,
    init: { method?: string; token?: string; json?: unknown; body?: FormData; baseUrl?: string; timeoutMs?: number } = {},
  ): Promise<ApiAnswer> {
    const headers: Record<string, string> = {};
    if (init.token) headers['authorization'] = `Bearer ${init.token}`;
    if (init.json !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${init.baseUrl ?? stack.gatewayUrl}${path}`, {
      method: init.method ?? (init.json !== undefined || init.body ? 'POST' : 'GET'),
      headers,
      body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
      signal: AbortSignal.timeout(init.timeoutMs ?? 30_000),
    });
    return readResponse(response);
  }

  return {
    stack,
    env: stack.env,
    dataDir,
    /** Processes that exited without being asked to. */
    exits,
    receiver,
    mail: (): SinkMessage[] => receivedMail(smtpDir),
    api,
    /** Lines a process printed so far. */
    output: (name: string): string[] => lines.get(name) ?? [],
    /**
     * The worker, consuming jobs: the one running (`reuse`) or a new one started. Scenarios that kill
     * it take it from here, so each round starts from a worker that is really at work.
     */
    async worker(reuse = false): Promise<ChildProcess> {
      const worker = reuse ? (stack.supervisor.get('worker') as ChildProcess) : this.startProcess('worker');
      await waitFor(async () => (lines.get('worker') ?? []).some((line) => line.includes('consuming')), 'the worker to start', 120_000);
      return worker;
    },
    /** kill -9 of one process; returns once it has exited. */
    async killHard(child: ChildProcess): Promise<void> {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    },
    /** Starts (again) one of the stack's processes, optionally under another name and environment. */
    startProcess(name: AppProcess, as: string = name, env: Record<string, string> = {}) {
      lines.delete(as);
      return stack.supervisor.start(appProcess(name, { ...stack.env, ...env }, as));
    },
    /** A new organisation and its owner, through the gateway. */
    async signup(): Promise<{ accessToken: string; tenantId: string; userId: string }> {
      const unique = Math.random().toString(36).slice(2, 10);
      const answer = await api('/api/v1/auth/signup', {
        json: { email: `faults-${unique}@example.test`, password: `Fault suite ${unique}`, name: 'Fay Faults', organisationName: `Faults ${unique}` },
      });
      if (answer.status !== 201) throw new Error(`signup failed: ${answer.status} ${JSON.stringify(answer.body)}`);
      return { accessToken: answer.body.accessToken, tenantId: answer.body.tenant.id, userId: answer.body.user.id };
    },
    async stopRedis(): Promise<void> {
      await redis.stop();
    },
    async startRedis(): Promise<void> {
      await redis.restart();
    },
    async stopPostgres(): Promise<void> {
      await postgres.stop();
    },
    async startPostgres(): Promise<void> {
      postgres = await startPostgresHost(join(dataDir, 'postgres'), output, postgresPort);
    },
    async stop(): Promise<void> {
      await stack.stop();
      await Promise.allSettled([redis.stop(), postgres.stop(), smtp.close(), receiver.close()]);
      log.end();
      if (process.env['KEEP_FAULT_LOGS'] !== 'true') rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export type FaultStack = Awaited<ReturnType<typeof startFaultStack>>;

/** Waits a real duration: the faults themselves (an outage of a few seconds) are real time. */
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A fault stack booted for the describe block that calls this and stopped after it; the getter gives it to the tests. */
export function useFaultStack(extraEnv: Record<string, string> = {}, options: { redis?: FaultRedis } = {}): () => FaultStack {
  let faults: FaultStack | undefined;
  beforeAll(async () => {
    faults = await startFaultStack(extraEnv, options);
  }, 300_000);
  afterAll(async () => {
    await faults?.stop();
  });
  return () => {
    if (!faults) throw new Error('the fault stack did not start');
    return faults;
  };
}

/**
 * `useFaultStack` plus an owner connection to the stack's database (it bypasses row-level security,
 * for the counts a fault scenario checks), and `count(sql)` reading `count` of the first row.
 */
export function useFaultStackWithOwner(extraEnv: Record<string, string> = {}, options: { redis?: FaultRedis } = {}) {
  const stack = useFaultStack(extraEnv, options);
  let owner: Client | undefined;
  beforeAll(async () => {
    owner = new Client({ connectionString: stack().env['DATABASE_MIGRATION_URL'] });
    owner.on('error', () => undefined);
    await owner.connect();
  }, 60_000);
  afterAll(async () => {
    await owner?.end();
  });
  const connected = (): Client => {
    if (!owner) throw new Error('the owner connection did not open');
    return owner;
  };
  const count = async (sql: string, params: unknown[] = []): Promise<number> => Number((await connected().query(sql, params)).rows[0]?.count ?? 0);
  return { stack, owner: connected, count };
}

/** `useFaultStackWithOwner` as a test takes it: `const { faults, owner, count } = scenario();` inside the test. */
export function useFaultScenario(extraEnv: Record<string, string> = {}) {
  const fault = useFaultStackWithOwner(extraEnv);
  return () => ({ faults: fault.stack(), owner: fault.owner(), count: fault.count });
}

export interface LoadOutcome {
  /** ms since the load started. */
  at: number;
  label: string;
  status: number | 'timeout' | 'error';
  retryAfter: string | null;
  error?: string;
  elapsedMs: number;
}

/**
 * Why a fetch failed, as a code where there is one (`ECONNREFUSED`, `UND_ERR_SOCKET`, …). fetch keeps
 * the code on the error's cause, except for a failure it does not recognise as an Error: the tests'
 * dispatcher (http-keep-alive.js) is undici loaded inside Jest's sandbox, whose errors belong to
 * another realm than the built-in fetch's, so fetch wraps such a failure as a plain
 * `Error('SocketError: other side closed')` without its code. The name restores it.
 */
export function connectionErrorCode(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return cause.code;
  const message = cause?.message ?? (error as Error).message;
  return /^SocketError\b/.test(message) ? 'UND_ERR_SOCKET' : message;
}

/**
 * Steady client load: `concurrency` loops sending requests back to back (each made by `request`,
 * given a counter) until stopped, recording every outcome. A request still unanswered after
 * `timeoutMs` counts as hanging.
 */
export function startLoad(
  concurrency: number,
  request: (n: number, signal: AbortSignal) => Promise<{ label: string; response: Response }>,
  timeoutMs = 15_000,
) {
  const outcomes: LoadOutcome[] = [];
  const origin = Date.now();
  let running = true;
  let counter = 0;
  const loops = Array.from({ length: concurrency }, async () => {
    while (running) {
      const n = counter++;
      const started = Date.now();
      const signal = AbortSignal.timeout(timeoutMs);
      let answered = false;
      try {
        const { label, response } = await request(n, signal);
        answered = true;
        await response.arrayBuffer();
        outcomes.push({
          at: started - origin,
          label,
          status: response.status,
          retryAfter: response.headers.get('retry-after'),
          elapsedMs: Date.now() - started,
        });
      } catch (error) {
        const timedOut = signal.aborted;
        outcomes.push({
          at: started - origin,
          // Headers came but the body was cut off, or no answer came at all.
          label: answered ? 'cut off' : 'unanswered',
          status: timedOut ? 'timeout' : 'error',
          retryAfter: null,
          error: connectionErrorCode(error),
          elapsedMs: Date.now() - started,
        });
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  });
  return {
    outcomes,
    elapsed: () => Date.now() - origin,
    async stop(): Promise<LoadOutcome[]> {
      running = false;
      await Promise.all(loops);
      return outcomes;
    },
  };
}

/** A count of outcomes by status, for failure messages. */
export function tally(outcomes: LoadOutcome[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const outcome of outcomes)
    counts[`${outcome.label} ${outcome.status}${outcome.error ? ` ${outcome.error}` : ''}`] =
      (counts[`${outcome.label} ${outcome.status}${outcome.error ? ` ${outcome.error}` : ''}`] ?? 0) + 1;
  return counts;
}
