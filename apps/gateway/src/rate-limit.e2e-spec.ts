import { bearer, signupTenant, startExtraGateway } from '@assay/shared/testing';

/** Two extra gateway replicas with a small limit, sharing the stack's Redis. */
describe('rate limits across gateway replicas', () => {
  const replicas: { url: string; stop(): Promise<void> }[] = [];

  beforeAll(async () => {
    const limits = { RATE_LIMIT_MAX: '6', AUTH_RATE_LIMIT_MAX: '3', RATE_LIMIT_WINDOW_MS: '60000' };
    replicas.push(...(await Promise.all([startExtraGateway(limits), startExtraGateway(limits)])));
  });

  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.stop()));
  });

  it('counts one principal and route across both replicas, with RateLimit headers and 429 + Retry-After', async () => {
    const org = await signupTenant();
    const statuses: number[] = [];
    const remaining: string[] = [];
    let limited: Response | undefined;
    for (let i = 0; i < 8; i++) {
      const replica = replicas[i % 2] as { url: string };
      const response = await fetch(`${replica.url}/api/v1/me`, { headers: bearer(org.accessToken) });
      statuses.push(response.status);
      remaining.push(response.headers.get('ratelimit-remaining') ?? '');
      if (response.status === 429) limited ??= response;
      else expect(response.headers.get('ratelimit-limit')).toBe('6');
      await response.arrayBuffer();
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 429, 429]);
    expect(remaining.slice(0, 6)).toEqual(['5', '4', '3', '2', '1', '0']);
    expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited?.headers.get('content-type')).toMatch(/problem\+json/);
    // Another route of the same principal has its own budget; another principal is unaffected.
    expect((await fetch(`${replicas[0]?.url}/api/v1/tenant`, { headers: bearer(org.accessToken) })).status).toBe(200);
    const other = await signupTenant();
    expect((await fetch(`${replicas[1]?.url}/api/v1/me`, { headers: bearer(other.accessToken) })).status).toBe(200);
  });

  it('limits sign-in attempts per client address across replicas', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const replica = replicas[i % 2] as { url: string };
      const response = await fetch(`${replica.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: `nobody-${i}@example.test`, password: 'not a real password' }),
      });
      statuses.push(response.status);
      if (response.status === 429) expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
  });
});
