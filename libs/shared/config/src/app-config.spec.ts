import { ConfigError } from './config-error';
import { loadConfig } from './app-config';

const key = Buffer.alloc(32, 7);
const base = { DATABASE_URL: 'postgres://assay_app:pw@db:5432/assay', REDIS_URL: 'redis://redis:6379', DATA_ENCRYPTION_KEY: key.toString('base64') };

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig('worker', base);
    expect(config).toMatchObject({
      publicUrl: 'http://localhost:3000',
      mailFrom: 'Assay <no-reply@localhost>',
      schedulerTickMs: 60_000,
      webhookAllowPrivate: false,
      evidence: expect.objectContaining({ advisoryFeedPollMs: 3_600_000 }),
      dataDir: '.assay',
      serviceUrls: { tenancy: 'http://127.0.0.1:3001', notifications: 'http://127.0.0.1:3004' },
    });
    expect(config.storageUrl).toMatch(/^file:\/\/.*\.assay\/blobs$/);
    expect(config.database.migrationUrl).toBe(base.DATABASE_URL);
  });

  it('gives each service its own port and the gateway PORT', () => {
    expect(
      loadConfig('gateway', {
        ...base,
        PORT: '8080',
        INTERNAL_TOKEN_PRIVATE_KEY: '-----BEGIN PRIVATE KEY-----\\nx\\n-----END PRIVATE KEY-----',
        ACCESS_TOKEN_PUBLIC_KEY: '-----BEGIN PUBLIC KEY-----x',
        REPORT_SIGNING_PUBLIC_KEYS: '-----BEGIN PUBLIC KEY-----x',
      }).port,
    ).toBe(8080);
    expect(
      loadConfig('assessments', {
        ...base,
        INTERNAL_TOKEN_PUBLIC_KEY: '-----BEGIN PUBLIC KEY-----x',
        REPORT_SIGNING_PRIVATE_KEY: '-----BEGIN PRIVATE KEY-----x',
      }).port,
    ).toBe(3002);
  });

  it('names every problem at once', () => {
    const attempt = () => loadConfig('assessments', { REDIS_URL: 'http://nope', SCHEDULER_TICK_MS: 'soon', WEBHOOK_ALLOW_PRIVATE: 'maybe' });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([
        'DATABASE_URL is required',
        'REDIS_URL must use redis, rediss, redis+cluster or rediss+cluster (got "http:")',
        'SCHEDULER_TICK_MS must be an integer between 100 and 86400000 (got "soon")',
        'WEBHOOK_ALLOW_PRIVATE must be true or false (got "maybe")',
        'INTERNAL_TOKEN_PUBLIC_KEY is required',
        'REPORT_SIGNING_PRIVATE_KEY is required',
        'DATA_ENCRYPTION_KEY is required (32 random bytes, base64-encoded)',
      ]);
    }
  });

  it('reads the notifications delivery policy, with defaults that meet the contract', () => {
    const defaults = loadConfig('worker', base).notifications;
    expect(defaults).toMatchObject({ webhookTimeoutMs: 10_000, webhookMaxAttempts: 9, webhookDisableAfterMs: 3 * 86_400_000, emailMaxAttempts: 8 });
  });

  it('requires the data encryption key where secrets are sealed, and checks its length', () => {
    expect(loadConfig('worker', base).dataEncryptionKey).toEqual(key);
    expect(() => loadConfig('worker', { ...base, DATA_ENCRYPTION_KEY: 'c2hvcnQ=' })).toThrow(/DATA_ENCRYPTION_KEY must be 32 bytes/);
    const { DATA_ENCRYPTION_KEY: _omitted, ...withoutKey } = base;
    for (const process of ['tenancy', 'assessments', 'notifications', 'worker'] as const) {
      expect(() =>
        loadConfig(process, {
          ...withoutKey,
          INTERNAL_TOKEN_PUBLIC_KEY: '-----BEGIN PUBLIC KEY-----x',
          ACCESS_TOKEN_PRIVATE_KEY: '-----BEGIN PRIVATE KEY-----x',
        }),
      ).toThrow(/DATA_ENCRYPTION_KEY is required/);
    }
    expect(loadConfig('evidence', { ...withoutKey, INTERNAL_TOKEN_PUBLIC_KEY: '-----BEGIN PUBLIC KEY-----x' }).dataEncryptionKey).toBeUndefined();
  });

  it('reads S3 storage from STORAGE_URL and the S3_* variables, URL parameters first, and names every problem', () => {
    expect(loadConfig('worker', base).s3).toBeUndefined();
    const s3 = loadConfig('worker', {
      ...base,
      STORAGE_URL: 's3://assay-evidence/eu/prod',
      S3_REGION: 'eu-west-2',
      S3_ACCESS_KEY_ID: 'AKIA',
      S3_SECRET_ACCESS_KEY: 'secret',
    }).s3;
    expect(s3).toEqual({
      bucket: 'assay-evidence',
      prefix: 'eu/prod/',
      region: 'eu-west-2',
      endpoint: undefined,
      forcePathStyle: false,
      credentials: { accessKeyId: 'AKIA', secretAccessKey: 'secret' },
      partSize: 8 * 1024 * 1024,
    });
    // An S3-compatible endpoint defaults to path-style; the SDK's own credential chain applies without keys.
    const compatible = loadConfig('worker', { ...base, STORAGE_URL: 's3://blobs', S3_ENDPOINT: 'http://minio:9000', AWS_REGION: 'us-east-1' }).s3;
    expect(compatible).toMatchObject({
      bucket: 'blobs',
      prefix: '',
      endpoint: 'http://minio:9000',
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: undefined,
    });
    const fromUrl = loadConfig('worker', {
      ...base,
      STORAGE_URL: 's3://blobs?endpoint=https://s3.example.test&region=auto&forcePathStyle=false',
      S3_REGION: 'eu-west-1',
    }).s3;
    expect(fromUrl).toMatchObject({ endpoint: 'https://s3.example.test', region: 'auto', forcePathStyle: false });

    const attempt = () =>
      loadConfig('worker', {
        ...base,
        STORAGE_URL: 's3://Bad_Bucket/a%20b',
        S3_ENDPOINT: 'ftp://x',
        S3_FORCE_PATH_STYLE: 'sometimes',
        S3_ACCESS_KEY_ID: 'AKIA',
        S3_PART_SIZE: '1024',
      });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      const problems = (error as ConfigError).problems.join('\n');
      for (const name of [
        'valid S3 bucket',
        'prefix segments',
        'S3_ENDPOINT',
        'S3_REGION (or AWS_REGION) is required',
        'S3_FORCE_PATH_STYLE',
        'set both or neither',
        'S3_PART_SIZE',
      ])
        expect(problems).toContain(name);
    }
    expect(() => loadConfig('worker', { ...base, STORAGE_URL: 's3://key:secret@blobs', S3_REGION: 'eu-west-2' })).toThrow(/may not carry credentials/);
    expect(() => loadConfig('worker', { ...base, STORAGE_URL: 'gs://blobs' })).toThrow(/STORAGE_URL must use file or s3/);
  });

  it('turns GraphQL introspection off in production unless GRAPHQL_INTROSPECTION says otherwise', () => {
    const introspection = (env: Record<string, string>) => loadConfig('worker', { ...base, ...env }).graphqlIntrospection;
    expect(introspection({})).toBe(true);
    expect(introspection({ NODE_ENV: 'test' })).toBe(true);
    expect(introspection({ NODE_ENV: 'production' })).toBe(false);
    expect(introspection({ NODE_ENV: 'production', GRAPHQL_INTROSPECTION: 'true' })).toBe(true);
    expect(introspection({ NODE_ENV: 'development', GRAPHQL_INTROSPECTION: 'false' })).toBe(false);
    expect(() => introspection({ NODE_ENV: 'production', GRAPHQL_INTROSPECTION: 'yes please' })).toThrow(/GRAPHQL_INTROSPECTION must be true or false/);
  });

  it('caps concurrent password hashes at 1 to 64 (default 4) and refuses anything else at startup', () => {
    expect(loadConfig('worker', base).passwordHashConcurrency).toBe(4);
    expect(loadConfig('worker', { ...base, PASSWORD_HASH_CONCURRENCY: '16' }).passwordHashConcurrency).toBe(16);
    // 0 would let no sign-in through; a non-number used to switch the cap off.
    for (const bad of ['0', '65', 'four', '2.5', '-1']) {
      expect(() => loadConfig('worker', { ...base, PASSWORD_HASH_CONCURRENCY: bad })).toThrow(ConfigError);
      expect(() => loadConfig('worker', { ...base, PASSWORD_HASH_CONCURRENCY: bad })).toThrow(
        `PASSWORD_HASH_CONCURRENCY must be an integer between 1 and 64 (got "${bad}")`,
      );
    }
  });

  it('refuses an evidence size limit out of range, for the gateway and the evidence service alike', () => {
    const gateway = {
      ...base,
      INTERNAL_TOKEN_PRIVATE_KEY: '-----BEGIN PRIVATE KEY-----x',
      ACCESS_TOKEN_PUBLIC_KEY: '-----BEGIN PUBLIC KEY-----x',
      REPORT_SIGNING_PUBLIC_KEYS: '-----BEGIN PUBLIC KEY-----x',
    };
    expect(loadConfig('gateway', { ...gateway, EVIDENCE_MAX_BYTES: '2048' }).evidence.maxBytes).toBe(2048);
    expect(() => loadConfig('gateway', { ...gateway, EVIDENCE_MAX_BYTES: 'lots' })).toThrow(
      'EVIDENCE_MAX_BYTES must be an integer between 1024 and 1073741824 (got "lots")',
    );
    expect(() => loadConfig('evidence', { ...base, INTERNAL_TOKEN_PUBLIC_KEY: '-----BEGIN PUBLIC KEY-----x', EVIDENCE_MAX_BYTES: '0' })).toThrow(
      /EVIDENCE_MAX_BYTES must be an integer/,
    );
  });

  it('lets a test stack move business time (CLOCK_CONTROL) but never a production process', () => {
    expect(loadConfig('worker', base).clockControl).toBe(false);
    expect(loadConfig('worker', { ...base, NODE_ENV: 'test', CLOCK_CONTROL: 'true' }).clockControl).toBe(true);
    expect(() => loadConfig('worker', { ...base, NODE_ENV: 'production', CLOCK_CONTROL: 'true' })).toThrow(
      /CLOCK_CONTROL=true .* refused when NODE_ENV=production/,
    );
    expect(loadConfig('worker', { ...base, NODE_ENV: 'production', CLOCK_CONTROL: 'false' }).clockControl).toBe(false);
  });

  it('reads the published report signing keys as a list, current first, and refuses anything that is not PEM', () => {
    const gateway = { ...base, INTERNAL_TOKEN_PRIVATE_KEY: '-----BEGIN PRIVATE KEY-----x', ACCESS_TOKEN_PUBLIC_KEY: '-----BEGIN PUBLIC KEY-----x' };
    const current = '-----BEGIN PUBLIC KEY-----\ncurrent\n-----END PUBLIC KEY-----\n';
    const retired = '-----BEGIN PUBLIC KEY-----\nretired\n-----END PUBLIC KEY-----\n';
    const list = [current, retired].map((pem) => Buffer.from(pem).toString('base64')).join(', ');
    expect(loadConfig('gateway', { ...gateway, REPORT_SIGNING_PUBLIC_KEYS: list }).reportSigningPublicKeys).toEqual([current, retired]);
    expect(() => loadConfig('gateway', gateway)).toThrow('REPORT_SIGNING_PUBLIC_KEYS is required');
    expect(() => loadConfig('gateway', { ...gateway, REPORT_SIGNING_PUBLIC_KEYS: `${list},bm90IGEga2V5` })).toThrow(
      'REPORT_SIGNING_PUBLIC_KEYS must be one or more PEM keys (inline or base64-encoded), separated by commas',
    );
  });

  it('reads several replicas of a service from its URL variable, comma-separated, and names every bad one', () => {
    const config = loadConfig('worker', { ...base, ASSESSMENTS_URL: 'http://assessments-a:3002/, https://assessments-b:3002' });
    expect(config.serviceUpstreams).toEqual({
      tenancy: ['http://127.0.0.1:3001'],
      assessments: ['http://assessments-a:3002', 'https://assessments-b:3002'],
      evidence: ['http://127.0.0.1:3003'],
      notifications: ['http://127.0.0.1:3004'],
    });
    expect(config.serviceUrls.assessments).toBe('http://assessments-a:3002');
    const many = Array.from({ length: 17 }, (_, index) => `http://evidence-${index}:3003`).join(',');
    try {
      loadConfig('worker', { ...base, TENANCY_URL: 'http://a:1,ftp://b:2,http://a:1', EVIDENCE_URL: many, NOTIFICATIONS_URL: ' , ' });
      throw new Error('accepted');
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([
        'TENANCY_URL must list http or https URLs (got "ftp://b:2")',
        'TENANCY_URL lists a URL twice',
        'EVIDENCE_URL must list 1 to 16 URLs separated by commas',
        'NOTIFICATIONS_URL must list 1 to 16 URLs separated by commas',
      ]);
    }
  });

  it('refuses unsafe role names', () => {
    expect(() => loadConfig('worker', { ...base, DATABASE_APP_ROLE: 'app; drop table x' })).toThrow(/DATABASE_APP_ROLE/);
  });
});
