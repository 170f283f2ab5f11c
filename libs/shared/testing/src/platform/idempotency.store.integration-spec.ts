import { RedisClient, createRedisConnection } from '@assay/shared/redis';
import { stackConfig } from '../helpers';
import { randomUUID } from 'node:crypto';
import { IdempotencyStore, requestFingerprint } from '@assay/shared/http';

describe('IdempotencyStore (Redis)', () => {
  let redis: RedisClient;
  let store: IdempotencyStore;
  beforeAll(() => {
    redis = createRedisConnection(stackConfig('gateway').redis, 'client', 'test');
    store = new IdempotencyStore(redis);
  });
  afterAll(() => redis.disconnect());

  const fingerprint = requestFingerprint('POST', '/api/v1/suppliers', Buffer.from('{"name":"Acme"}'));

  it('lets the first request through, answers a concurrent replay with conflict, then replays the stored response', async () => {
    const key = randomUUID();
    expect(await store.begin('user:t:u', key, fingerprint)).toEqual({ kind: 'proceed' });
    expect(await store.begin('user:t:u', key, fingerprint)).toEqual({ kind: 'conflict' });
    const response = { status: 201, headers: { 'content-type': 'application/json' }, body: Buffer.from('{"id":1}').toString('base64') };
    await store.complete('user:t:u', key, fingerprint, response);
    expect(await store.begin('user:t:u', key, fingerprint)).toEqual({ kind: 'replay', response });
    expect(await redis.ttl(`assay:idempotency:${require('node:crypto').createHash('sha256').update(`user:t:u\u0000${key}`).digest('hex')}`)).toBeGreaterThan(
      86_000,
    );
  });

  it('refuses the same key with a different body', async () => {
    const key = randomUUID();
    await store.begin('user:t:u', key, fingerprint);
    const other = requestFingerprint('POST', '/api/v1/suppliers', Buffer.from('{"name":"Other"}'));
    expect(await store.begin('user:t:u', key, other)).toEqual({ kind: 'mismatch' });
  });

  it('scopes keys to the caller', async () => {
    const key = randomUUID();
    await store.begin('user:t:alice', key, fingerprint);
    expect(await store.begin('user:t:bob', key, fingerprint)).toEqual({ kind: 'proceed' });
  });

  it('frees the key after a server error so a retry runs again', async () => {
    const key = randomUUID();
    await store.begin('user:t:u', key, fingerprint);
    await store.complete('user:t:u', key, fingerprint, { status: 503, headers: {}, body: '' });
    expect(await store.begin('user:t:u', key, fingerprint)).toEqual({ kind: 'proceed' });
  });
});
