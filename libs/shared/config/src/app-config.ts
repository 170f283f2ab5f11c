import type { ServiceName } from '@assay/shared/contracts';
import { EnvReader } from './env-reader';
import { RedisTarget, RedisUrlError, parseRedisUrl } from './redis-target';

export const SERVICE_PORTS: Readonly<Record<ServiceName | 'gateway', number>> = {
  gateway: 3000,
  tenancy: 3001,
  assessments: 3002,
  evidence: 3003,
  notifications: 3004,
};

/** At most this many replicas of one service behind one gateway (`<SERVICE>_URL`). */
export const MAX_SERVICE_UPSTREAMS = 16;

export type ProcessName = ServiceName | 'gateway' | 'worker';

export interface DatabaseConfig {
  /** Runtime connection: the app role, or a login allowed to assume it. */
  url: string;
  /** Owner connection used by migrations. */
  migrationUrl: string;
  appRole: string;
  systemRole: string;
  poolSize: number;
}

/** Delivery policy of the notifications service (emails and webhooks). */
export interface NotificationsConfig {
  /** A delivery succeeds on a 2xx answer within this time. */
  webhookTimeoutMs: number;
  /** Delay before the first retry; each later retry waits 2.5 times longer. */
  webhookRetryBaseMs: number;
  /** Attempts per delivery, the first included. */
  webhookMaxAttempts: number;
  /** An endpoint failing without a single success for this long is disabled. */
  webhookDisableAfterMs: number;
  /** How long the previous secret keeps signing after a rotation. */
  webhookSecretGraceMs: number;
  /** Delay before the first retry of a temporary SMTP failure; doubles each time. */
  emailRetryBaseMs: number;
  emailMaxAttempts: number;
}

/** Evidence intake and ingestion limits. */
export interface EvidenceConfig {
  /** Largest upload or fetched document accepted, in bytes (beyond: 413, or `rejected` for URLs). */
  maxBytes: number;
  /** An SBOM older than this (from its creation time) is stale; it also sets the SBOM's validUntil. */
  sbomMaxAgeDays: number;
  /** Time allowed to fetch URL evidence. */
  urlFetchTimeoutMs: number;
  /** How often each advisory feed is pulled (`ADVISORY_FEED_POLL_MS`). */
  advisoryFeedPollMs: number;
}

/** An S3 (or S3-compatible) bucket holding evidence blobs, from `STORAGE_URL=s3://bucket[/prefix]` and the `S3_*` variables. */
export interface S3StorageConfig {
  bucket: string;
  /** Key prefix inside the bucket: empty, or ending in `/`. */
  prefix: string;
  region: string;
  /** An S3-compatible service's URL; unset for AWS S3. */
  endpoint: string | undefined;
  /** Bucket in the path (`https://host/bucket/key`) rather than the host name. */
  forcePathStyle: boolean;
  /** Static credentials; unset, the AWS SDK's default chain (environment, profile, instance or task role) applies. */
  credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
  /** Bytes per part of a multipart upload (uploads larger than one part are sent in parts, never held whole). */
  partSize: number;
}

export interface AppConfig {
  processName: ProcessName;
  nodeEnv: 'development' | 'production' | 'test';
  port: number;
  host: string;
  publicUrl: string;
  logLevel: string;
  database: DatabaseConfig;
  /** REDIS_URL as given: one server (`redis://`, `rediss://`) or a cluster (`redis+cluster://host:port,…`). */
  redisUrl: string;
  /** REDIS_URL read: which of the two, and for a cluster its seed nodes. */
  redis: RedisTarget;
  smtpUrl: string | undefined;
  mailFrom: string;
  storageUrl: string;
  /** Set when STORAGE_URL is `s3://…`. */
  s3: S3StorageConfig | undefined;
  dataDir: string;
  schedulerTickMs: number;
  webhookAllowPrivate: boolean;
  /** argon2id hashes running at once per tenancy process; more wait in a bounded queue (then 503). */
  passwordHashConcurrency: number;
  notifications: NotificationsConfig;
  evidence: EvidenceConfig;
  graphqlIntrospection: boolean;
  /** PEM; only the gateway holds it. */
  internalTokenPrivateKey: string | undefined;
  /** PEM; every service verifies with it. */
  internalTokenPublicKey: string | undefined;
  /** PEM; the tenancy service signs user access tokens with it. */
  accessTokenPrivateKey: string | undefined;
  /** PEM; the gateway verifies user access tokens with it. */
  accessTokenPublicKey: string | undefined;
  /** PEM; the assessments service signs assurance packs (`?format=jws`) with it. */
  reportSigningPrivateKey: string | undefined;
  /** PEMs the gateway publishes at `/.well-known/jwks.json`: the current report signing key first, then retired ones. */
  reportSigningPublicKeys: string[];
  /** 32 bytes; seals secrets that must be read back (TOTP seeds, webhook signing secrets). Required by tenancy, notifications and the worker. */
  dataEncryptionKey: Buffer | undefined;
  rateLimit: RateLimitConfig;
  /** security.txt `Contact` (a mailto: or https: URI). */
  securityContact: string;
  /** Where each service is reached: the first of its upstreams. */
  serviceUrls: Readonly<Record<ServiceName, string>>;
  /** Every replica of each service (`<SERVICE>_URL`, comma-separated); the gateway spreads requests over them. */
  serviceUpstreams: Readonly<Record<ServiceName, readonly string[]>>;
  shutdownGraceMs: number;
  outboxPollMs: number;
  /** BullMQ job lock: a job whose worker died is taken up again by another worker after about this long. */
  jobLockMs: number;
  /**
   * Work a process claimed and then died holding (an email being sent, evidence being ingested), or
   * accepted but never enqueued, is picked up again by the sweeps after this long.
   */
  recoveryAfterMs: number;
  /**
   * `CLOCK_CONTROL=true`: the process follows business-time moves a test makes on its Redis (see
   * `ClockFollower`). Never in production.
   */
  clockControl: boolean;
}

export interface RateLimitConfig {
  /** Requests per window per principal and route. */
  max: number;
  /** Requests per window per client address to the sign-in routes. */
  authMax: number;
  windowMs: number;
}

const NODE_ENVS = ['development', 'production', 'test'] as const;

/** Bucket names as S3 accepts them for new buckets: 3–63 lower-case letters, digits, dots and hyphens. */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const MIN_PART_SIZE = 5 * 1024 * 1024;

/**
 * `s3://bucket[/prefix]` with settings from `S3_ENDPOINT`, `S3_REGION` (else `AWS_REGION`),
 * `S3_FORCE_PATH_STYLE`, `S3_ACCESS_KEY_ID` + `S3_SECRET_ACCESS_KEY` and `S3_PART_SIZE`; the URL's
 * `endpoint`, `region` and `forcePathStyle` query parameters, when given, take precedence.
 */
function s3Storage(read: EnvReader, storageUrl: string): S3StorageConfig | undefined {
  if (!URL.canParse(storageUrl)) return undefined;
  const url = new URL(storageUrl);
  const param = (name: string) => url.searchParams.get(name)?.trim() || undefined;
  const bucket = url.hostname;
  if (!BUCKET_NAME.test(bucket) || bucket.includes('..')) read.problem(`STORAGE_URL must name a valid S3 bucket, s3://bucket[/prefix] (got "${bucket}")`);
  if (url.username || url.password) read.problem('STORAGE_URL may not carry credentials: use S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY');
  const segments = url.pathname.split('/').filter(Boolean);
  if (segments.some((segment) => !/^[\w.-]+$/.test(segment) || /^\.+$/.test(segment)))
    read.problem('STORAGE_URL prefix segments may hold only letters, digits, _, . and - (and not be . or ..)');
  const endpoint = param('endpoint') ?? read.optional('S3_ENDPOINT');
  if (endpoint !== undefined && !(URL.canParse(endpoint) && ['http:', 'https:'].includes(new URL(endpoint).protocol))) {
    read.problem(`S3_ENDPOINT (or the endpoint parameter of STORAGE_URL) must be an http or https URL (got "${endpoint}")`);
  }
  const region = param('region') ?? read.optional('S3_REGION') ?? read.optional('AWS_REGION') ?? read.optional('AWS_DEFAULT_REGION');
  if (!region) read.problem('S3_REGION (or AWS_REGION) is required when STORAGE_URL is s3://');
  const forcePathStyle = read.boolean('S3_FORCE_PATH_STYLE', endpoint !== undefined, param('forcePathStyle'));
  const accessKeyId = read.optional('S3_ACCESS_KEY_ID');
  const secretAccessKey = read.optional('S3_SECRET_ACCESS_KEY');
  if ((accessKeyId === undefined) !== (secretAccessKey === undefined))
    read.problem('S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together: set both or neither');
  return {
    bucket,
    prefix: segments.length > 0 ? `${segments.join('/')}/` : '',
    region: region ?? '',
    endpoint,
    forcePathStyle,
    credentials: accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : undefined,
    partSize: read.integer('S3_PART_SIZE', 8 * 1024 * 1024, { min: MIN_PART_SIZE, max: 512 * 1024 * 1024 }),
  };
}

/** REDIS_URL read (a missing value is already reported); a bad one is reported as such. */
function redisTarget(read: EnvReader, redisUrl: string): RedisTarget {
  if (!redisUrl) return { mode: 'server', url: '' };
  try {
    return parseRedisUrl(redisUrl);
  } catch (error) {
    if (!(error instanceof RedisUrlError)) throw error;
    read.problem(`REDIS_URL ${error.message}`);
    return { mode: 'server', url: '' };
  }
}

/** Reads and validates the configuration of one process; throws ConfigError naming every problem. */
export function loadConfig(processName: ProcessName, env: NodeJS.ProcessEnv = process.env): AppConfig {
  const read = new EnvReader(env);
  const nodeEnv = read.oneOf('NODE_ENV', NODE_ENVS, 'development');
  const defaultPort = processName === 'worker' ? 0 : SERVICE_PORTS[processName];
  // The gateway reads PORT (public contract); services read their own variable so one env file can
  // describe the whole stack, falling back to PORT when started on their own.
  const portVariable = processName === 'gateway' || processName === 'worker' ? 'PORT' : `${processName.toUpperCase()}_PORT`;
  const port = read.integer(portVariable, processName === 'gateway' ? defaultPort : read.integer('PORT', defaultPort, { max: 65535 }), { max: 65535 });
  const gatewayPort = processName === 'gateway' ? port : read.integer('GATEWAY_PORT', SERVICE_PORTS.gateway, { max: 65535 });
  const databaseUrl = read.url('DATABASE_URL', ['postgres', 'postgresql']);
  const redisUrl = read.string('REDIS_URL');
  const dataDir = read.string('ASSAY_DATA_DIR', '.assay');
  const storageUrl = read.url('STORAGE_URL', ['file', 's3'], `file://${require('node:path').resolve(dataDir, 'blobs')}`);
  const serviceUpstreams = (name: ServiceName) =>
    read.urlList(`${name.toUpperCase()}_URL`, ['http', 'https'], `http://127.0.0.1:${SERVICE_PORTS[name]}`, MAX_SERVICE_UPSTREAMS);
  const upstreams = {
    tenancy: serviceUpstreams('tenancy'),
    assessments: serviceUpstreams('assessments'),
    evidence: serviceUpstreams('evidence'),
    notifications: serviceUpstreams('notifications'),
  };

  const config: AppConfig = {
    processName,
    nodeEnv,
    port,
    host: read.string('HOST', '0.0.0.0'),
    publicUrl: read.url('PUBLIC_URL', ['http', 'https'], `http://localhost:${gatewayPort}`).replace(/\/+$/, ''),
    logLevel: read.oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, nodeEnv === 'test' ? 'warn' : 'info'),
    database: {
      url: databaseUrl,
      migrationUrl: read.url('DATABASE_MIGRATION_URL', ['postgres', 'postgresql'], databaseUrl || 'postgres://unset'),
      appRole: read.string('DATABASE_APP_ROLE', 'assay_app'),
      systemRole: read.string('DATABASE_SYSTEM_ROLE', 'assay_system'),
      poolSize: read.integer('DATABASE_POOL_SIZE', 10, { min: 1, max: 200 }),
    },
    redisUrl,
    redis: redisTarget(read, redisUrl),
    smtpUrl: read.optional('SMTP_URL') ? read.url('SMTP_URL', ['smtp', 'smtps']) : undefined,
    mailFrom: read.string('MAIL_FROM', 'Assay <no-reply@localhost>'),
    storageUrl,
    s3: storageUrl.startsWith('s3:') ? s3Storage(read, storageUrl) : undefined,
    dataDir,
    schedulerTickMs: read.integer('SCHEDULER_TICK_MS', 60_000, { min: 100, max: 86_400_000 }),
    webhookAllowPrivate: read.boolean('WEBHOOK_ALLOW_PRIVATE', false),
    passwordHashConcurrency: read.integer('PASSWORD_HASH_CONCURRENCY', 4, { min: 1, max: 64 }),
    notifications: {
      webhookTimeoutMs: read.integer('WEBHOOK_TIMEOUT_MS', 10_000, { min: 100, max: 60_000 }),
      webhookRetryBaseMs: read.integer('WEBHOOK_RETRY_BASE_MS', 90_000, { min: 10, max: 86_400_000 }),
      webhookMaxAttempts: read.integer('WEBHOOK_MAX_ATTEMPTS', 9, { min: 1, max: 20 }),
      webhookDisableAfterMs: read.integer('WEBHOOK_DISABLE_AFTER_MS', 3 * 86_400_000, { min: 1_000, max: 30 * 86_400_000 }),
      webhookSecretGraceMs: read.integer('WEBHOOK_SECRET_GRACE_MS', 86_400_000, { min: 0, max: 30 * 86_400_000 }),
      emailRetryBaseMs: read.integer('EMAIL_RETRY_BASE_MS', 30_000, { min: 10, max: 3_600_000 }),
      emailMaxAttempts: read.integer('EMAIL_MAX_ATTEMPTS', 8, { min: 1, max: 20 }),
    },
    evidence: {
      maxBytes: read.integer('EVIDENCE_MAX_BYTES', 50 * 1024 * 1024, { min: 1024, max: 1024 * 1024 * 1024 }),
      sbomMaxAgeDays: read.integer('EVIDENCE_SBOM_MAX_AGE_DAYS', 180, { min: 1, max: 3650 }),
      urlFetchTimeoutMs: read.integer('EVIDENCE_URL_TIMEOUT_MS', 15_000, { min: 100, max: 120_000 }),
      advisoryFeedPollMs: read.integer('ADVISORY_FEED_POLL_MS', 3_600_000, { min: 1_000, max: 7 * 86_400_000 }),
    },
    graphqlIntrospection: read.boolean('GRAPHQL_INTROSPECTION', nodeEnv !== 'production'),
    internalTokenPrivateKey: read.pem('INTERNAL_TOKEN_PRIVATE_KEY', processName === 'gateway'),
    internalTokenPublicKey: read.pem('INTERNAL_TOKEN_PUBLIC_KEY', processName !== 'gateway' && processName !== 'worker'),
    accessTokenPrivateKey: read.pem('ACCESS_TOKEN_PRIVATE_KEY', processName === 'tenancy'),
    accessTokenPublicKey: read.pem('ACCESS_TOKEN_PUBLIC_KEY', processName === 'gateway'),
    reportSigningPrivateKey: read.pem('REPORT_SIGNING_PRIVATE_KEY', processName === 'assessments'),
    reportSigningPublicKeys: read.pemList('REPORT_SIGNING_PUBLIC_KEYS', processName === 'gateway'),
    dataEncryptionKey: read.key(
      'DATA_ENCRYPTION_KEY',
      32,
      processName === 'tenancy' || processName === 'assessments' || processName === 'notifications' || processName === 'worker',
    ),
    rateLimit: {
      max: read.integer('RATE_LIMIT_MAX', 600, { min: 1, max: 1_000_000 }),
      authMax: read.integer('AUTH_RATE_LIMIT_MAX', 30, { min: 1, max: 1_000_000 }),
      windowMs: read.integer('RATE_LIMIT_WINDOW_MS', 60_000, { min: 1000, max: 86_400_000 }),
    },
    securityContact: read.string('SECURITY_CONTACT', ''),
    serviceUrls: {
      tenancy: upstreams.tenancy[0] as string,
      assessments: upstreams.assessments[0] as string,
      evidence: upstreams.evidence[0] as string,
      notifications: upstreams.notifications[0] as string,
    },
    serviceUpstreams: upstreams,
    shutdownGraceMs: read.integer('SHUTDOWN_GRACE_MS', 10_000, { min: 0, max: 600_000 }),
    outboxPollMs: read.integer('OUTBOX_POLL_MS', 250, { min: 10, max: 60_000 }),
    jobLockMs: read.integer('JOB_LOCK_MS', 60_000, { min: 1_000, max: 3_600_000 }),
    recoveryAfterMs: read.integer('RECOVERY_AFTER_MS', 300_000, { min: 1_000, max: 86_400_000 }),
    clockControl: read.boolean('CLOCK_CONTROL', false),
  };
  if (config.clockControl && nodeEnv === 'production') read.problem('CLOCK_CONTROL=true moves business time for tests and is refused when NODE_ENV=production');
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(config.database.appRole)) read.problem('DATABASE_APP_ROLE must be a plain lower-case identifier');
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(config.database.systemRole)) read.problem('DATABASE_SYSTEM_ROLE must be a plain lower-case identifier');
  if (!config.securityContact) config.securityContact = `mailto:security@${URL.canParse(config.publicUrl) ? new URL(config.publicUrl).hostname : 'localhost'}`;
  if (!/^(mailto:|https:|tel:)/.test(config.securityContact)) read.problem('SECURITY_CONTACT must be a mailto:, https: or tel: URI');
  read.done();
  return config;
}
