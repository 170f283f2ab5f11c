import { newId } from '@assay/shared/database';
import { knownSoon, settledSoon } from './catch-up';

/** A lookup answering `answers` in turn (the last one again once they run out), counting its calls. */
function lookup<T>(...answers: (T | null)[]) {
  const calls = { count: 0 };
  const find = async () => answers[Math.min(calls.count++, answers.length - 1)] ?? null;
  return { find, calls };
}

const QUICK = { waitMs: 5_000, pollMs: 1 };

describe('catching up with events not heard of yet', () => {
  it('looks again until what it finds has settled: a draft whose sending is on its way', async () => {
    const { find, calls } = lookup({ status: 'draft' }, { status: 'draft' }, { status: 'sent' });
    expect(await settledSoon(find, (found) => found.status !== 'draft', QUICK)).toEqual({ status: 'sent' });
    expect(calls.count).toBe(3);
  });

  it('gives what it last found once the wait is over, and looks only once at what has settled', async () => {
    const stuck = lookup({ status: 'draft' });
    expect(await settledSoon(stuck.find, (found) => found.status !== 'draft', { waitMs: 20, pollMs: 1 })).toEqual({ status: 'draft' });
    expect(stuck.calls.count).toBeGreaterThan(1);
    const settled = lookup({ status: 'sent' });
    expect(await settledSoon(settled.find, (found) => found.status !== 'draft', QUICK)).toEqual({ status: 'sent' });
    expect(settled.calls.count).toBe(1);
  });

  it('waits for an unknown id only when it was minted in the last minute', async () => {
    const recent = lookup<{ id: string }>(null, null, { id: 'found' });
    expect(await knownSoon(newId(), recent.find, QUICK)).toEqual({ id: 'found' });
    expect(recent.calls.count).toBe(3);
    const old = lookup<{ id: string }>(null, { id: 'found' });
    expect(await knownSoon('01900000-0000-7000-8000-000000000000', old.find, QUICK)).toBeNull();
    expect(old.calls.count).toBe(1);
  });
});
