import { waitFor } from '@assay/shared/testing';
import { sleep, startLoad, tally, useFaultStack } from './fault-stack';

/**
 * Postgres stopped for a few seconds and started again under read load. No process may exit; while
 * the database is away requests answer 503 with Retry-After (never hang, never 500); afterwards the
 * services serve again by themselves, and the outbox relays and workers carry on.
 */
describe('Postgres restarted under load', () => {
  const stack = useFaultStack();

  it('answers 503 with Retry-After during the outage and resumes without restarting anything', async () => {
    const faults = stack();
    const { accessToken: token } = await faults.signup();
    const key = await faults.api('/api/v1/api-keys', { token, json: { name: 'load', scopes: ['suppliers:read'] } });
    expect(key.status).toBe(201);
    const supplier = await faults.api('/api/v1/suppliers', { token, json: { name: 'Steady Supplier', tier: 'high', role: 'developer_only' } });
    expect(supplier.status).toBe(201);

    const load = startLoad(4, async (n, signal) => {
      if (n % 2 === 0) {
        const response = await fetch(`${faults.stack.gatewayUrl}/api/v1/suppliers/${supplier.body.id}`, {
          headers: { authorization: `Bearer ${token}` },
          signal,
        });
        return { label: 'GET /suppliers/:id (user)', response };
      }
      const response = await fetch(`${faults.stack.gatewayUrl}/api/v1/suppliers?limit=5`, { headers: { authorization: `Bearer ${key.body.key}` }, signal });
      return { label: 'GET /suppliers (API key)', response };
    });
    await sleep(3_000);
    const downAt = load.elapsed();
    await faults.stopPostgres();
    await sleep(5_000);
    await faults.startPostgres();
    const upAt = load.elapsed();
    await waitFor(
      async () => {
        const recent = load.outcomes.slice(-10).filter((outcome) => outcome.at > upAt);
        return recent.length === 10 && recent.every((outcome) => outcome.status === 200);
      },
      'the API to answer normally again',
      90_000,
    );
    const outcomes = await load.stop();
    const lastFailure = Math.max(upAt, ...outcomes.filter((outcome) => outcome.status !== 200).map((outcome) => outcome.at + outcome.elapsedMs));
    process.stdout.write(
      `Postgres down ${downAt}-${upAt} ms of the load; answers: ${JSON.stringify(tally(outcomes))}; normal again ${lastFailure - upAt} ms after Postgres was back\n`,
    );

    const unexpected = tally(outcomes.filter((outcome) => outcome.status !== 200 && outcome.status !== 503));
    if (Object.keys(unexpected).length > 0) {
      // What the processes logged about it: errors (level 50) and any answer of 500.
      for (const name of ['gateway', 'tenancy', 'assessments']) {
        const lines = faults.output(name).filter((line) => line.includes('"level":50') || line.includes('"statusCode":500'));
        process.stdout.write(`${name}:\n${lines.slice(0, 8).join('\n')}\n`);
      }
    }
    expect(unexpected).toEqual({});
    expect(outcomes.filter((outcome) => outcome.status === 503 && !outcome.retryAfter)).toEqual([]);
    expect(outcomes.filter((outcome) => outcome.status === 503).length).toBeGreaterThan(0);
    expect(faults.exits).toEqual([]);

    // Writes, the outbox relay, the event bus and webhook delivery work again too.
    const endpoint = await faults.api('/api/v1/webhook-endpoints', { token, json: { url: faults.receiver.url, events: ['supplier.created'] } });
    expect(endpoint.status).toBe(201);
    const after = await faults.api('/api/v1/suppliers', { token, json: { name: 'After The Restart Ltd', tier: 'low', role: 'reseller' } });
    expect(after.status).toBe(201);
    await waitFor(
      async () =>
        faults.receiver.received.some(
          (delivery) => delivery.type === 'supplier.created' && (delivery.data['supplierId'] ?? delivery.data['id']) === after.body.id,
        ),
      'the new supplier at the webhook receiver',
      60_000,
    );
    expect(faults.exits).toEqual([]);
  });
});
