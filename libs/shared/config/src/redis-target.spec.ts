import { ConfigError } from './config-error';
import { loadConfig } from './app-config';
import { RedisUrlError, parseRedisUrl } from './redis-target';

const base = { DATABASE_URL: 'postgres://assay_app:pw@db:5432/assay', DATA_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64') };

function problemsOf(redisUrl: string): string[] {
  try {
    loadConfig('worker', { ...base, REDIS_URL: redisUrl });
    return [];
  } catch (error) {
    return (error as ConfigError).problems;
  }
}

describe('REDIS_URL', () => {
  it('keeps a single server URL exactly as given', () => {
    expect(parseRedisUrl('redis://127.0.0.1:6379/5')).toEqual({ mode: 'server', url: 'redis://127.0.0.1:6379/5' });
    expect(parseRedisUrl('redis://assay:comma,in,password@redis:6379')).toEqual({ mode: 'server', url: 'redis://assay:comma,in,password@redis:6379' });
    expect(loadConfig('worker', { ...base, REDIS_URL: 'rediss://user:secret@redis.internal:6380' })).toMatchObject({
      redisUrl: 'rediss://user:secret@redis.internal:6380',
      redis: { mode: 'server', url: 'rediss://user:secret@redis.internal:6380' },
    });
  });

  it('reads a cluster as its seed nodes, credentials and TLS', () => {
    expect(parseRedisUrl('redis+cluster://10.0.0.1:7000,10.0.0.2:7001,redis-3.internal')).toEqual({
      mode: 'cluster',
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: '10.0.0.2', port: 7001 },
        { host: 'redis-3.internal', port: 6379 },
      ],
      tls: false,
      username: undefined,
      password: undefined,
    });
    expect(parseRedisUrl('rediss+cluster://assay:p%40ss%3Aword@[::1]:7000,[fd00::2]:7001/')).toEqual({
      mode: 'cluster',
      nodes: [
        { host: '::1', port: 7000 },
        { host: 'fd00::2', port: 7001 },
      ],
      tls: true,
      username: 'assay',
      password: 'p@ss:word',
    });
    expect(parseRedisUrl('redis+cluster://:only-a-password@node:7000')).toMatchObject({ username: undefined, password: 'only-a-password' });
  });

  it.each([
    ['redis+cluster://', 'must name at least one cluster node as host:port, separated by commas'],
    ['redis+cluster://a:7000,,b:7001', 'must name at least one cluster node as host:port, separated by commas'],
    ['redis+cluster://a:7000,a:7000', 'names the cluster node a:7000 twice'],
    ['redis+cluster://a:70000', 'names a cluster node with a port outside 1-65535 ("a:70000")'],
    ['redis+cluster://a:port', 'names a cluster node that is not host:port ("a:port")'],
    ['redis+cluster://a_b:7000', 'names a cluster node that is not host:port ("a_b:7000")'],
    ['redis+cluster://a:7000/3', 'names a database, but a Redis Cluster has only database 0'],
    ['redis+cluster://a:7000?tls=true', 'has a query or fragment, which the redis+cluster form does not take'],
    ['redis+cluster://u:%zz@a:7000', 'carries credentials that are not percent-encoded correctly'],
    ['redis://a:7000,b:7001', 'names several hosts: a Redis Cluster is given as redis+cluster://host:port,host:port'],
    ['rediss://u:p@a:7000,b:7001/0', 'names several hosts: a Redis Cluster is given as rediss+cluster://host:port,host:port'],
    ['http://a:7000', 'must use redis, rediss, redis+cluster or rediss+cluster (got "http:")'],
    ['cluster', 'is not a valid URL'],
  ])('refuses %s at startup, saying why', (value, message) => {
    expect(() => parseRedisUrl(value)).toThrow(new RedisUrlError(message));
    expect(problemsOf(value)).toEqual([`REDIS_URL ${message}`]);
  });

  it('never repeats a password in its complaint', () => {
    const problems = problemsOf('redis+cluster://assay:hunter2@bad_host:7000');
    expect(problems).toHaveLength(1);
    expect(problems.join()).not.toContain('hunter2');
  });

  it('refuses too many seed nodes', () => {
    const nodes = Array.from({ length: 65 }, (_, index) => `node-${index}:7000`).join(',');
    expect(() => parseRedisUrl(`redis+cluster://${nodes}`)).toThrow('names more than 64 cluster nodes');
  });
});
