import { startRedisServer, type RunningRedis } from '@assay/shared/local-infra';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Clock } from './clock';
import { ClockFollower, ClockMover } from './clock-control';

const DAY = 86_400_000;

describe('moving business time across processes', () => {
  let redis: RunningRedis;
  const followers: ClockFollower[] = [];
  let mover: ClockMover;

  beforeAll(async () => {
    // A Redis of its own: the keys it moves are global to a Redis.
    redis = await startRedisServer(mkdtempSync(join(tmpdir(), 'assay-clock-')), false);
    mover = new ClockMover(redis.url);
  });
  afterAll(async () => {
    await Promise.all(followers.map((follower) => follower.stop()));
    await mover.close();
    await redis.stop();
  });

  async function follow(id: string): Promise<Clock> {
    const clock = new Clock();
    const follower = new ClockFollower(clock, redis.url, id);
    followers.push(follower);
    await follower.start();
    return clock;
  }

  it('every following clock has moved by the time the move returns, and a process started later starts moved', async () => {
    const clocks = await Promise.all(['gateway-1', 'assessments-2', 'worker-3'].map(follow));
    expect(clocks.every((clock) => clock.offset === 0)).toBe(true);

    const movedTo = await mover.advance(30 * DAY);
    for (const clock of clocks) {
      expect(clock.offset).toBe(30 * DAY);
      expect(Math.abs(clock.nowMs() - movedTo.getTime())).toBeLessThan(5_000);
    }

    await mover.advance(DAY);
    expect(clocks.map((clock) => clock.offset)).toEqual([31 * DAY, 31 * DAY, 31 * DAY]);

    const late = await follow('notifications-4');
    expect(late.offset).toBe(31 * DAY);
    expect(await mover.offset()).toBe(31 * DAY);
  });

  it('only moves forward', async () => {
    await expect(mover.advance(-1)).rejects.toThrow(RangeError);
  });
});
