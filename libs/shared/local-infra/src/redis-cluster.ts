import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port';
import { RedisServerProcess, launchRedisServer } from './redis-server';

const run = promisify(execFile);

/** A Redis Cluster's cluster bus listens on the node's port + 10000. */
const BUS_PORT_OFFSET = 10_000;
/** Short, so a node that went away is marked failed (and the cluster down) within seconds. */
const NODE_TIMEOUT_MS = 2_000;

export interface RunningRedisCluster {
  /** `redis+cluster://127.0.0.1:<port>,…`, as REDIS_URL takes it. */
  url: string;
  /** The masters' ports, to start the cluster again where its clients expect it. */
  ports: number[];
  stop(): Promise<void>;
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A free port whose cluster bus port (port + 10000) is free too. */
async function freeClusterPort(taken: number[]): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = await freePort();
    if (port + BUS_PORT_OFFSET > 65_535 || taken.includes(port)) continue;
    if (await portIsFree(port + BUS_PORT_OFFSET)) return port;
  }
  throw new Error('no free port pair (port and port + 10000) for a Redis Cluster node');
}

async function clusterInfo(port: number): Promise<Record<string, string>> {
  const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'cluster', 'info']);
  return Object.fromEntries(
    stdout
      .split(/\r?\n/)
      .filter((line) => line.includes(':'))
      .map((line) => line.split(':', 2) as [string, string]),
  );
}

/** Waits until every node sees the whole cluster, all slots served. */
async function waitForClusterOk(ports: number[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const infos = await Promise.all(ports.map((port) => clusterInfo(port).catch(() => ({}) as Record<string, string>)));
    const ready = infos.every(
      (info) => info['cluster_state'] === 'ok' && info['cluster_slots_ok'] === '16384' && info['cluster_known_nodes'] === String(ports.length),
    );
    if (ready) return;
    if (Date.now() > deadline) throw new Error(`the Redis Cluster on ports ${ports.join(', ')} did not become ready in time: ${JSON.stringify(infos)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Starts a Redis Cluster of `masters` masters and no replicas from `redis-server` on PATH, each node
 * on 127.0.0.1 with its files in `dir/<port>`, and creates it with `redis-cli --cluster create`.
 * Given the ports of a cluster started before in the same `dir`, it starts those nodes again: they
 * rejoin from their own cluster configuration, with the data of persistent nodes.
 */
export async function startRedisCluster(dir: string, persistent: boolean, options: { masters?: number; ports?: number[] } = {}): Promise<RunningRedisCluster> {
  const ports: number[] = options.ports ? [...options.ports] : [];
  if (ports.length === 0) for (let i = 0; i < (options.masters ?? 3); i++) ports.push(await freeClusterPort(ports));
  const nodes: RedisServerProcess[] = [];
  const stop = async () => {
    await Promise.all(nodes.map((node) => node.stop()));
  };
  try {
    for (const port of ports) {
      const clusterArgs = ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', String(NODE_TIMEOUT_MS)];
      nodes.push(await launchRedisServer(join(dir, String(port)), persistent, port, clusterArgs));
    }
    const assigned = await clusterInfo(ports[0] as number);
    if (assigned['cluster_slots_assigned'] !== '16384') {
      await run('redis-cli', ['--cluster', 'create', ...ports.map((port) => `127.0.0.1:${port}`), '--cluster-replicas', '0', '--cluster-yes'], {
        timeout: 60_000,
      });
    }
    await waitForClusterOk(ports, 60_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `redis+cluster://${ports.map((port) => `127.0.0.1:${port}`).join(',')}`, ports, stop };
}
