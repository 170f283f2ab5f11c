import { waitFor } from '@assay/shared/testing';
import { FaultRedis, sleep, startLoad, tally, useFaultStack } from './fault-stack';

/**
 * Redis stopped for a few seconds and started again while clients read (user sessions: the gateway
 * checks revocations in Redis) and write (an API key: suppliers whose events go out through the
 * outbox, the events queue and webhooks). Nothing may exit, hang or answer 500; what needs Redis
 * answers 503 with Retry-After; afterwards every committed event is delivered. Run on one
 * redis-server and again on a three-master Redis Cluster (every node stopped and started again).
 */
describe.each<FaultRedis>(['server', 'cluster'])('Redis (%s) restarted under load', (redis) => {
  const stack = useFaultStack({}, { redis });

  it('answers 503 with Retry-After while Redis is away, recovers by itself and delivers every committed event', async () => {
    const faults = stack();
    const { accessToken: token } = await faults.signup();
    const key = await faults.api('/api/v1/api-keys', { token, json: { name: 'load', scopes: ['suppliers:read', 'suppliers:write'] } });
    expect(key.status).toBe(201);
    const endpoint = await faults.api('/api/v1/webhook-endpoints', { token, json: { url: faults.receiver.url, events: ['supplier.created'] } });
    expect(endpoint.status).toBe(201);

    const created: string[] = [];
    const load = startLoad(4, async (n, signal) => {
      if (n % 2 === 0) {
        const response = await fetch(`${faults.stack.gatewayUrl}/api/v1/suppliers?limit=5`, { headers: { authorization: `Bearer ${token}` }, signal });
        return { label: 'GET /suppliers (user)', response };
      }
      const response = await fetch(`${faults.stack.gatewayUrl}/api/v1/suppliers`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key.body.key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: `Outage Supplier ${n}`, tier: 'low', role: 'reseller' }),
        signal,
      });
      if (response.status === 201) created.push(((await response.clone().json()) as { id: string }).id);
      return { label: 'POST /suppliers (API key)', response };
    });
    await sleep(3_000);
    const downAt = load.elapsed();
    await faults.stopRedis();
    await sleep(6_000);
    await faults.startRedis();
    const upAt = load.elapsed();
    // Clients keep going until the API answers them normally again.
    await waitFor(
      async () => {
        const recent = load.outcomes.slice(-10).filter((outcome) => outcome.at > upAt);
        return recent.length === 10 && recent.every((outcome) => outcome.status === 200 || outcome.status === 201);
      },
      'the API to answer normally again',
      60_000,
    );
    const outcomes = await load.stop();
    const recoveredAfterMs =
      Math.max(...outcomes.filter((outcome) => outcome.status !== 200 && outcome.status !== 201).map((outcome) => outcome.at), upAt) - upAt;
    process.stdout.write(
      `Redis (${redis}) down ${downAt}-${upAt} ms of the load; answers: ${JSON.stringify(tally(outcomes))}; normal again ${recoveredAfterMs} ms after Redis was back\n`,
    );

    const unexpected = outcomes.filter((outcome) => ![200, 201, 503].includes(outcome.status as number));
    expect(tally(unexpected)).toEqual({});
    expect(outcomes.filter((outcome) => outcome.status === 503 && !outcome.retryAfter)).toEqual([]);
    expect(outcomes.filter((outcome) => outcome.status === 503).length).toBeGreaterThan(0);
    expect(faults.exits).toEqual([]);

    // Every supplier whose creation was answered 201 reaches the webhook receiver.
    expect(created.length).toBeGreaterThan(0);
    await waitFor(
      async () => {
        const arrived = new Set(
          faults.receiver.received
            .filter((delivery) => delivery.type === 'supplier.created')
            .map((delivery) => delivery.data['supplierId'] ?? delivery.data['id']),
        );
        return created.every((id) => arrived.has(id));
      },
      'every supplier.created at the webhook receiver',
      120_000,
    );
  });
});
