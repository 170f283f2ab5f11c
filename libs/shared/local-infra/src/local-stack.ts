import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { dropDatabase, ensureDatabase, startEmbeddedPostgres, urlForRole } from './embedded-postgres';
import { freePort } from './free-port';
import { assertRedisServerAvailable, startRedisServer } from './redis-server';

export interface InfrastructureOptions {
  /** ASSAY_DATA_DIR: where embedded data, keys and files live. */
  dataDir: string;
  /** `npm start` keeps data across restarts; tests throw everything away. */
  persistent: boolean;
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
  /** Default ports (3000-3004) for `npm start`, free ports for tests. */
  ports: 'default' | 'free';
}

export interface Infrastructure {
  /** The environment every Assay process of this stack runs with. */
  env: Record<string, string>;
  /** What was started here (vs. given by the environment), for the banner. */
  started: { postgres: boolean; redis: boolean };
  stop(): Promise<void>;
}

const APP_ROLE = 'assay_app';

function loadOrCreate<T>(file: string, persistent: boolean, create: () => T): T {
  if (persistent && existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as T;
  const value = create();
  if (persistent) writeFileSync(file, JSON.stringify(value), { mode: 0o600 });
  return value;
}

/**
 * Resolves Postgres, Redis, keys and ports for a local stack: whatever the environment names is
 * used as given (DATABASE_URL, REDIS_URL, …); whatever it leaves unset is started here.
 */
export async function provisionInfrastructure(options: InfrastructureOptions): Promise<Infrastructure> {
  const dataDir = resolve(options.dataDir);
  // When run as root, the embedded cluster runs as a dedicated user that must be able to traverse it.
  mkdirSync(dataDir, { recursive: true, mode: 0o755 });
  if (process.getuid?.() === 0) chmodSync(dataDir, 0o755);
  const stops: (() => Promise<void>)[] = [];
  const env: Record<string, string> = {};
  const given = (name: string) => options.env[name]?.trim() || undefined;
  const started = { postgres: false, redis: false };

  try {
    // Say what is missing before starting anything else.
    if (!given('REDIS_URL')) assertRedisServerAvailable();

    // Postgres.
    const secrets = loadOrCreate(join(dataDir, 'secrets.json'), options.persistent, () => ({ appPassword: randomBytes(18).toString('base64url') }));
    if (given('DATABASE_URL')) {
      const runtime = given('DATABASE_URL') as string;
      const owner = given('DATABASE_MIGRATION_URL') ?? runtime;
      if (options.persistent) {
        env['DATABASE_URL'] = runtime;
        env['DATABASE_MIGRATION_URL'] = owner;
      } else {
        // Tests against a given server get a database of their own, dropped afterwards.
        const name = `assay_test_${process.pid}_${randomBytes(3).toString('hex')}`;
        const ownerUrl = await ensureDatabase(owner, name);
        stops.push(() => dropDatabase(owner, name));
        const runtimeUrl = new URL(runtime);
        runtimeUrl.pathname = `/${name}`;
        env['DATABASE_URL'] = runtimeUrl.toString();
        env['DATABASE_MIGRATION_URL'] = ownerUrl;
      }
      if (given('DATABASE_APP_PASSWORD')) env['DATABASE_APP_PASSWORD'] = given('DATABASE_APP_PASSWORD') as string;
    } else {
      const postgres = await startEmbeddedPostgres(join(dataDir, 'postgres'), options.persistent, (line) => options.log(`postgres: ${line}`));
      started.postgres = true;
      stops.push(() => postgres.stop());
      const ownerUrl = await ensureDatabase(postgres.adminUrl, 'assay');
      env['DATABASE_MIGRATION_URL'] = ownerUrl;
      env['DATABASE_URL'] = urlForRole(ownerUrl, APP_ROLE, secrets.appPassword);
      env['DATABASE_APP_PASSWORD'] = secrets.appPassword;
    }

    // Redis.
    if (given('REDIS_URL')) {
      env['REDIS_URL'] = given('REDIS_URL') as string;
    } else {
      const redis = await startRedisServer(join(dataDir, 'redis'), options.persistent);
      started.redis = true;
      stops.push(() => redis.stop());
      env['REDIS_URL'] = redis.url;
    }

    // Internal identity keys (gateway signs, services verify).
    const keys = loadOrCreate(join(dataDir, 'identity-keys.json'), options.persistent, () => {
      const pair = generateKeyPairSync('ed25519');
      return {
        privateKey: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        publicKey: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      };
    });
    env['INTERNAL_TOKEN_PRIVATE_KEY'] = given('INTERNAL_TOKEN_PRIVATE_KEY') ?? Buffer.from(keys.privateKey).toString('base64');
    env['INTERNAL_TOKEN_PUBLIC_KEY'] = given('INTERNAL_TOKEN_PUBLIC_KEY') ?? Buffer.from(keys.publicKey).toString('base64');

    // User access token keys (tenancy signs, the gateway verifies) and the data encryption key.
    const accessKeys = loadOrCreate(join(dataDir, 'access-keys.json'), options.persistent, () => {
      const pair = generateKeyPairSync('ed25519');
      return {
        privateKey: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        publicKey: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
        dataEncryptionKey: randomBytes(32).toString('base64'),
      };
    });
    env['ACCESS_TOKEN_PRIVATE_KEY'] = given('ACCESS_TOKEN_PRIVATE_KEY') ?? Buffer.from(accessKeys.privateKey).toString('base64');
    env['ACCESS_TOKEN_PUBLIC_KEY'] = given('ACCESS_TOKEN_PUBLIC_KEY') ?? Buffer.from(accessKeys.publicKey).toString('base64');
    env['DATA_ENCRYPTION_KEY'] = given('DATA_ENCRYPTION_KEY') ?? accessKeys.dataEncryptionKey;

    // Assurance pack signing key (assessments signs, the gateway publishes the public key).
    const reportKeys = loadOrCreate(join(dataDir, 'report-signing-keys.json'), options.persistent, () => {
      const pair = generateKeyPairSync('ed25519');
      return {
        privateKey: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        publicKey: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      };
    });
    env['REPORT_SIGNING_PRIVATE_KEY'] = given('REPORT_SIGNING_PRIVATE_KEY') ?? Buffer.from(reportKeys.privateKey).toString('base64');
    env['REPORT_SIGNING_PUBLIC_KEYS'] = given('REPORT_SIGNING_PUBLIC_KEYS') ?? Buffer.from(reportKeys.publicKey).toString('base64');

    // Ports and URLs.
    const port = async (name: string, fallback: number) => given(name) ?? String(options.ports === 'free' ? await freePort() : fallback);
    env['PORT'] = await port('PORT', 3000);
    const services = { TENANCY: 3001, ASSESSMENTS: 3002, EVIDENCE: 3003, NOTIFICATIONS: 3004 } as const;
    for (const [name, fallback] of Object.entries(services)) {
      env[`${name}_PORT`] = await port(`${name}_PORT`, fallback);
      env[`${name}_URL`] = given(`${name}_URL`) ?? `http://127.0.0.1:${env[`${name}_PORT`]}`;
    }
    env['GATEWAY_PORT'] = env['PORT'];
    env['PUBLIC_URL'] = given('PUBLIC_URL') ?? `http://localhost:${env['PORT']}`;
    env['ASSAY_DATA_DIR'] = dataDir;
    env['STORAGE_URL'] = given('STORAGE_URL') ?? `file://${join(dataDir, 'blobs')}`;
    if (given('SMTP_URL')) env['SMTP_URL'] = given('SMTP_URL') as string;
    mkdirSync(join(dataDir, 'blobs'), { recursive: true });
    mkdirSync(join(dataDir, 'mail'), { recursive: true });

    return {
      env,
      started,
      stop: async () => {
        for (const stop of stops.reverse()) await stop().catch((error: unknown) => options.log(`stop failed: ${(error as Error).message}`));
      },
    };
  } catch (error) {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    throw error;
  }
}
