import { webhookRetryDelayMs, webhookRetrySpanMs } from './webhook-retry-schedule';

describe('webhook retry schedule', () => {
  it('backs off exponentially from the base delay', () => {
    const delays = [1, 2, 3, 4].map((attempt) => webhookRetryDelayMs(attempt, 90_000, () => 0));
    expect(delays).toEqual([90_000, 225_000, 562_500, 1_406_250]);
  });

  it('with the defaults makes 9 attempts spread over about a day', () => {
    const hours = webhookRetrySpanMs(9, 90_000) / 3_600_000;
    expect(hours).toBeGreaterThan(20);
    expect(hours).toBeLessThan(30);
  });

  it('adds at most 10% jitter', () => {
    expect(webhookRetryDelayMs(1, 1_000, () => 0.999)).toBeLessThanOrEqual(1_100);
    expect(webhookRetryDelayMs(1, 1_000, () => 0.5)).toBe(1_050);
  });
});
