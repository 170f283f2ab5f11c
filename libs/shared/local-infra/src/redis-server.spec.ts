import { RedisServerMissingError, assertRedisServerAvailable } from './redis-server';

describe('redis-server lookup', () => {
  it('says how to install Redis or set REDIS_URL when redis-server is not on PATH', () => {
    const env = { PATH: '/nonexistent' };
    expect(() => assertRedisServerAvailable(env)).toThrow(RedisServerMissingError);
    expect(() => assertRedisServerAvailable(env)).toThrow(/apt-get install redis-server.*REDIS_URL/);
  });
});
