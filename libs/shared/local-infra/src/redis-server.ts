import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { Socket } from 'node:net';
import { freePort } from './free-port';
import { LocalInfraError } from './local-infra-error';

export interface RunningRedis {
  url: string;
  stop(): Promise<void>;
}

export class RedisServerMissingError extends LocalInfraError {
  constructor() {
    super(
      'redis-server was not found on PATH. Install Redis 7 (Debian/Ubuntu: `sudo apt-get install redis-server`; macOS: `brew install redis`) ' +
        'or point REDIS_URL at a running Redis (e.g. REDIS_URL=redis://127.0.0.1:6379).',
    );
    this.name = 'RedisServerMissingError';
  }
}

/** Throws RedisServerMissingError (which says how to install it or set REDIS_URL) when absent. */
export function assertRedisServerAvailable(env: NodeJS.ProcessEnv = process.env): void {
  if (spawnSync('redis-server', ['--version'], { stdio: 'ignore', env }).status !== 0) throw new RedisServerMissingError();
}

function waitForPort(port: number, timeoutMs: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      if (child.exitCode !== null) return reject(new Error(`redis-server exited with code ${child.exitCode}`));
      const socket = new Socket();
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error('redis-server did not start in time'));
        else setTimeout(attempt, 50);
      });
      socket.connect(port, '127.0.0.1');
    };
    attempt();
  });
}

/** One `redis-server` process on `port`, ready for connections. */
export interface RedisServerProcess {
  port: number;
  stop(): Promise<void>;
}

/**
 * Launches `redis-server` on 127.0.0.1:`port` with its files in `dir` and waits until it listens.
 * Persistent instances keep an append-only file; all refuse to evict keys (queues must never lose
 * jobs to memory pressure). `extraArgs` add to the command line (cluster mode).
 */
export async function launchRedisServer(dir: string, persistent: boolean, port: number, extraArgs: string[] = []): Promise<RedisServerProcess> {
  assertRedisServerAvailable();
  mkdirSync(dir, { recursive: true });
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--maxmemory-policy', 'noeviction', '--protected-mode', 'yes'];
  args.push('--appendonly', persistent ? 'yes' : 'no', ...extraArgs);
  const child = spawn('redis-server', args, { stdio: ['ignore', 'ignore', 'inherit'] });
  await waitForPort(port, 10_000, child);
  return {
    port,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
      }),
  };
}

/**
 * Starts `redis-server` from PATH on a free port (or the given one, to restart a server where its
 * clients expect it), persistent or not as `launchRedisServer` says.
 */
export async function startRedisServer(dir: string, persistent: boolean, fixedPort?: number): Promise<RunningRedis> {
  assertRedisServerAvailable();
  const server = await launchRedisServer(dir, persistent, fixedPort ?? (await freePort()));
  return { url: `redis://127.0.0.1:${server.port}`, stop: () => server.stop() };
}
