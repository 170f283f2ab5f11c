import { CredentialLinkSealer } from '@assay/shared/auth';
import { loadConfig } from '@assay/shared/config';
import { QueueName } from '@assay/shared/contracts';
import { QueueRegistry } from '@assay/shared/queue';
import { RedisClient, createRedisConnection } from '@assay/shared/redis';
import { waitFor } from '@assay/shared/testing';
import type { Cluster } from 'ioredis';
import { useFaultStackWithOwner } from '../faults/fault-stack';

/**
 * The whole stack on a real Redis Cluster of three masters (redis-server nodes on free ports, files in
 * a temporary directory, created with `redis-cli --cluster create`): queues and their Job Schedulers,
 * rate limits, the sign-in throttle, idempotency keys and session revocations, each used through the
 * gateway as a client would, with keys that land in many slots across the masters.
 */
const RATE_LIMIT_MAX = 40;

describe('Redis Cluster (three masters)', () => {
  const { stack, owner } = useFaultStackWithOwner({ RATE_LIMIT_MAX: String(RATE_LIMIT_MAX), AUTH_RATE_LIMIT_MAX: '1000' }, { redis: 'cluster' });
  let cluster: Cluster;

  beforeAll(() => {
    const client: RedisClient = createRedisConnection(stack().env['REDIS_URL'] as string, 'client', 'cluster-test');
    if (!('nodes' in client)) {
      client.disconnect();
      throw new Error(`REDIS_URL of the stack does not name a cluster: ${stack().env['REDIS_URL']}`);
    }
    cluster = client;
  });
  afterAll(() => cluster?.disconnect());

  /** Every key matching `pattern`, by the master holding it. */
  async function keysByMaster(pattern: string): Promise<Map<string, string[]>> {
    const placed = new Map<string, string[]>();
    for (const master of cluster.nodes('master')) {
      const keys: string[] = [];
      let cursor = '0';
      do {
        const [next, batch] = await master.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        keys.push(...batch);
        cursor = next;
      } while (cursor !== '0');
      if (keys.length > 0) placed.set(`${master.options.host}:${master.options.port}`, keys);
    }
    return placed;
  }

  const json = (token?: string) => ({ 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) });

  async function signup() {
    const unique = Math.random().toString(36).slice(2, 10);
    const credentials = { email: `cluster-${unique}@example.test`, password: `Cluster owner ${unique}` };
    const answer = await stack().api('/api/v1/auth/signup', { json: { ...credentials, name: 'Cleo Cluster', organisationName: `Cluster ${unique}` } });
    expect(answer.status).toBe(201);
    return { ...credentials, accessToken: answer.body.accessToken as string, tenantId: answer.body.tenant.id as string };
  }

  it('spreads the queues over the masters, each queue in one slot, with its Job Schedulers and jobs running', async () => {
    const faults = stack();
    const org = await signup();
    const endpoint = await faults.api('/api/v1/webhook-endpoints', {
      token: org.accessToken,
      json: { url: faults.receiver.url, events: ['supplier.created'] },
    });
    expect(endpoint.status).toBe(201);
    const supplier = await faults.api('/api/v1/suppliers', { token: org.accessToken, json: { name: 'Sharded Supplier', tier: 'low', role: 'reseller' } });
    expect(supplier.status).toBe(201);
    // Outbox → events queue → dispatch → notifications queue → webhook: jobs on two queues ran.
    await waitFor(
      async () =>
        faults.receiver.received.some(
          (delivery) => delivery.type === 'supplier.created' && (delivery.data['supplierId'] ?? delivery.data['id']) === supplier.body.id,
        ),
      'supplier.created at the webhook receiver',
    );

    const queueKeys = await keysByMaster('bull:*');
    const all = [...queueKeys.values()].flat();
    for (const queue of [QueueName.Events, QueueName.Notifications, QueueName.Scheduler]) {
      const own = all.filter((key) => key.startsWith(`bull:{${queue}}:${queue}:`));
      expect([queue, own.length > 0]).toEqual([queue, true]);
      const slots = new Set(await Promise.all(own.map((key) => cluster.cluster('KEYSLOT', key))));
      expect([queue, slots.size]).toEqual([queue, 1]);
    }
    // No queue key outside a hash tag, and the queues do not all share one master.
    expect(all.filter((key) => !/^bull:\{[^}]+\}:/.test(key))).toEqual([]);
    expect(queueKeys.size).toBeGreaterThanOrEqual(2);

    // The ticks are Job Schedulers (never `repeat` options), declared on the cluster.
    const registry = new QueueRegistry(loadConfig('worker', faults.env));
    try {
      const schedulers = (await Promise.all(Object.values(QueueName).map((queue) => registry.queue(queue).getJobSchedulers()))).flat();
      expect(schedulers.length).toBeGreaterThan(0);
      expect(schedulers.filter((scheduler) => !scheduler.every)).toEqual([]);
    } finally {
      await registry.onApplicationShutdown();
    }
  });

  it('replays idempotent POSTs whose keys land across the masters, and refuses a reused key with another body', async () => {
    const faults = stack();
    const org = await signup();
    const keys = Array.from({ length: 12 }, (_, index) => `cluster-idempotency-${index}-${Math.random().toString(36).slice(2)}`);
    for (const key of keys) {
      const body = JSON.stringify({ name: `Idempotent ${key}`, tier: 'low', role: 'reseller' });
      const send = (payload: string) =>
        fetch(`${faults.stack.gatewayUrl}/api/v1/suppliers`, { method: 'POST', headers: { ...json(org.accessToken), 'idempotency-key': key }, body: payload });
      const first = await send(body);
      expect(first.status).toBe(201);
      const replay = await send(body);
      expect([replay.status, replay.headers.get('idempotent-replayed')]).toEqual([201, 'true']);
      expect(((await replay.json()) as { id: string }).id).toBe(((await first.json()) as { id: string }).id);
      expect((await send(body.replace('Idempotent', 'Other'))).status).toBe(422);
    }
    const stored = await keysByMaster('assay:idempotency:*');
    expect([...stored.values()].flat().length).toBeGreaterThanOrEqual(keys.length);
    expect(stored.size).toBeGreaterThanOrEqual(2);
  });

  it('refuses every revoked session at once, the revocations spread over the masters', async () => {
    const faults = stack();
    const org = await signup();
    const invited = await faults.api('/api/v1/invitations', { token: org.accessToken, json: { email: `member-${org.tenantId}@example.test`, role: 'viewer' } });
    expect(invited.status).toBe(201);
    const [row] = (
      await owner().query(`select payload from tenancy.outbox where type = 'invitation.created' and payload->'data'->>'invitationId' = $1`, [invited.body.id])
    ).rows;
    const link = new CredentialLinkSealer(loadConfig('notifications', faults.env).dataEncryptionKey).openLink(row.payload.tenantId, row.payload.data.acceptUrl);
    const member = { email: `member-${org.tenantId}@example.test`, password: `Member of ${org.tenantId}` };
    const accepted = await faults.api('/api/v1/invitations/accept', {
      json: { token: new URL(link).searchParams.get('token'), password: member.password, name: 'Mo Member' },
    });
    expect(accepted.status).toBe(200);
    // Ten more sessions of the member: ten session ids, so ten revocation keys in many slots.
    const tokens: string[] = [accepted.body.accessToken];
    for (let i = 0; i < 10; i++) {
      const login = await faults.api('/api/v1/auth/login', { json: member });
      expect(login.status).toBe(200);
      tokens.push(login.body.accessToken);
    }
    for (const token of tokens) expect((await faults.api('/api/v1/suppliers?limit=1', { token })).status).toBe(200);

    // A role change ends every session of the member in one go.
    const changed = await faults.api(`/api/v1/members/${accepted.body.user.id}`, { method: 'PATCH', token: org.accessToken, json: { role: 'assessor' } });
    expect(changed.status).toBe(200);
    for (const token of tokens) expect((await faults.api('/api/v1/suppliers?limit=1', { token })).status).toBe(401);
    const revoked = await keysByMaster('assay:auth:revoked-session:*');
    expect([...revoked.values()].flat().length).toBeGreaterThanOrEqual(tokens.length);
    expect(revoked.size).toBeGreaterThanOrEqual(2);
  });

  it('counts rate limits in the cluster and throttles failed sign-ins', async () => {
    const faults = stack();
    const org = await signup();
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let i = 0; i < RATE_LIMIT_MAX + 5 && !limited; i++) {
      const response = await fetch(`${faults.stack.gatewayUrl}/api/v1/suppliers?limit=1`, { headers: json(org.accessToken) });
      await response.arrayBuffer();
      statuses.push(response.status);
      if (response.status === 429) limited = response;
    }
    expect(statuses.slice(0, RATE_LIMIT_MAX)).toEqual(Array(RATE_LIMIT_MAX).fill(200));
    expect(limited?.headers.get('retry-after')).toMatch(/^\d+$/);
    expect([...(await keysByMaster('assay:rate:*')).values()].flat().length).toBeGreaterThan(0);

    // Failed sign-ins: after the free ones the account must wait (429 with Retry-After). The
    // account's count and its backoff deadline share a slot (they are cleared in one command).
    let throttled: Response | undefined;
    for (let attempt = 0; attempt < 12 && !throttled; attempt++) {
      const response = await fetch(`${faults.stack.gatewayUrl}/api/v1/auth/login`, {
        method: 'POST',
        headers: json(),
        body: JSON.stringify({ email: org.email, password: 'not the password' }),
      });
      await response.arrayBuffer();
      if (response.status === 429) throttled = response;
      else expect(response.status).toBe(401);
    }
    expect(throttled?.headers.get('retry-after')).toMatch(/^\d+$/);
    const counts = [...(await keysByMaster('assay:login-failures:{account:*')).values()].flat().filter((key) => !key.endsWith(':until'));
    expect(counts.length).toBeGreaterThan(0);
    for (const count of counts) expect(await cluster.cluster('KEYSLOT', `${count}:until`)).toBe(await cluster.cluster('KEYSLOT', count));
  });
});
