import { Clock } from './clock';

describe('Clock', () => {
  it('is the machine time until moved, then ahead of it by the offset', () => {
    const clock = new Clock();
    const before = Date.now();
    expect(clock.nowMs()).toBeGreaterThanOrEqual(before);
    expect(clock.nowMs()).toBeLessThanOrEqual(Date.now());
    clock.setOffset(86_400_000);
    expect(clock.nowMs() - Date.now()).toBeGreaterThanOrEqual(86_400_000 - 5);
    expect(clock.now()).toBeInstanceOf(Date);
  });

  it('never runs backwards and refuses nonsense offsets', () => {
    const clock = new Clock();
    clock.setOffset(1000);
    clock.setOffset(10);
    expect(clock.offset).toBe(1000);
    expect(() => clock.setOffset(-1)).toThrow(RangeError);
    expect(() => clock.setOffset(1.5)).toThrow(RangeError);
    expect(() => clock.setOffset(Number.NaN)).toThrow(RangeError);
  });
});
