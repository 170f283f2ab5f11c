import { ServiceUpstreams, UPSTREAM_REST_MS, isConnectionFailure } from './service-upstreams';

const UPSTREAMS = {
  tenancy: ['http://tenancy-a:3001'],
  assessments: ['http://assessments-a:3002', 'http://assessments-b:3002', 'http://assessments-c:3002'],
  evidence: ['http://evidence-a:3003', 'http://evidence-b:3003'],
  notifications: ['http://notifications-a:3004'],
};

describe('choosing a service replica', () => {
  let now = 1_000_000;
  const upstreams = () => new ServiceUpstreams(UPSTREAMS, () => now);

  it('takes the replicas of each service in turn, each service counting for itself', () => {
    const pool = upstreams();
    const picks = [1, 2, 3, 4].map(() => pool.pick('assessments'));
    expect(picks).toEqual(['http://assessments-a:3002', 'http://assessments-b:3002', 'http://assessments-c:3002', 'http://assessments-a:3002']);
    expect([pool.pick('evidence'), pool.pick('evidence'), pool.pick('tenancy'), pool.pick('tenancy')]).toEqual([
      'http://evidence-a:3003',
      'http://evidence-b:3003',
      'http://tenancy-a:3001',
      'http://tenancy-a:3001',
    ]);
  });

  it('passes over a replica that refused a connection until its rest is over', () => {
    const pool = upstreams();
    pool.refused('http://assessments-b:3002');
    expect([1, 2, 3, 4].map(() => pool.pick('assessments'))).toEqual([
      'http://assessments-a:3002',
      'http://assessments-c:3002',
      'http://assessments-c:3002',
      'http://assessments-a:3002',
    ]);
    now += UPSTREAM_REST_MS;
    expect([1, 2, 3].map(() => pool.pick('assessments'))).toEqual(['http://assessments-b:3002', 'http://assessments-c:3002', 'http://assessments-a:3002']);
  });

  it('still tries the next in turn when every replica is resting', () => {
    const pool = upstreams();
    pool.refused('http://evidence-a:3003');
    pool.refused('http://evidence-b:3003');
    expect([pool.pick('evidence'), pool.pick('evidence')]).toEqual(['http://evidence-a:3003', 'http://evidence-b:3003']);
  });

  it('sends subgraph calls addressed to the first replica to each replica in turn, and leaves other URLs alone', () => {
    const pool = upstreams();
    expect([1, 2, 3].map(() => pool.route('http://assessments-a:3002/graphql'))).toEqual([
      'http://assessments-a:3002/graphql',
      'http://assessments-b:3002/graphql',
      'http://assessments-c:3002/graphql',
    ]);
    expect(pool.route('http://tenancy-a:3001/graphql')).toBe('http://tenancy-a:3001/graphql');
    expect(pool.route('http://assessments-a:30021/graphql')).toBe('http://assessments-a:30021/graphql');
  });

  it('counts refused and dropped connections as the replica being unreachable, not errors or timeouts of a request', () => {
    expect(isConnectionFailure(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isConnectionFailure(new TypeError('fetch failed', { cause: { code: 'UND_ERR_SOCKET' } }))).toBe(true);
    expect(
      isConnectionFailure(Object.assign(new Error('connect ECONNREFUSED'), { code: 'FST_REPLY_FROM_INTERNAL_SERVER_ERROR', cause: { code: 'ECONNREFUSED' } })),
    ).toBe(true);
    expect(isConnectionFailure(Object.assign(new Error('Response timeout'), { code: 'UND_ERR_HEADERS_TIMEOUT' }))).toBe(false);
    expect(isConnectionFailure(null)).toBe(false);
  });
});
