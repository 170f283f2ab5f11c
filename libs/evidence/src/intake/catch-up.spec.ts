import { newId } from '@assay/shared/database';
import { NotCaughtUp, caughtUp, knownOrLater, settledOrLater } from './catch-up';

const QUICK = { waitMs: 5_000, pollMs: 1 };
const OLD_ID = '01900000-0000-7000-8000-000000000000';

/** A look answering `answers` in turn (the last one again once they run out), recording whether each look could wait. */
function looks<T>(decide: (found: T | null, mayWait: boolean) => T | null, ...answers: (T | null)[]) {
  const made: boolean[] = [];
  const look = async (mayWait: boolean) => {
    made.push(mayWait);
    return decide(answers[Math.min(made.length - 1, answers.length - 1)] ?? null, mayWait);
  };
  return { look, made };
}

describe('catching up with events not heard of yet', () => {
  it('looks again while a draft’s sending is on its way, and takes what has settled', async () => {
    const draft = looks<{ status: string }>(
      (found, mayWait) => settledOrLater(found, (assessment) => assessment.status !== 'draft', 'the sending', mayWait),
      { status: 'draft' },
      { status: 'draft' },
      { status: 'sent' },
    );
    expect(await caughtUp(draft.look, QUICK)).toEqual({ status: 'sent' });
    expect(draft.made).toEqual([true, true, true]);
  });

  it('once the wait is over, the last look decides with what it finds', async () => {
    const stuck = looks<{ status: string }>((found, mayWait) => settledOrLater(found, (assessment) => assessment.status !== 'draft', 'the sending', mayWait), {
      status: 'draft',
    });
    expect(await caughtUp(stuck.look, { waitMs: 20, pollMs: 1 })).toEqual({ status: 'draft' });
    expect(stuck.made.length).toBeGreaterThan(1);
    expect(stuck.made.at(-1)).toBe(false);
    expect(stuck.made.slice(0, -1).every((mayWait) => mayWait)).toBe(true);
  });

  it('waits for an unknown id only when it was minted in the last minute', async () => {
    const id = newId();
    const recent = looks<{ id: string }>((found, mayWait) => knownOrLater(id, found, mayWait), null, null, { id: 'found' });
    expect(await caughtUp(recent.look, QUICK)).toEqual({ id: 'found' });
    expect(recent.made).toHaveLength(3);
    const old = looks<{ id: string }>((found, mayWait) => knownOrLater(OLD_ID, found, mayWait), null, { id: 'found' });
    expect(await caughtUp(old.look, QUICK)).toBeNull();
    expect(old.made).toHaveLength(1);
  });

  it('asks again only while it may wait', () => {
    expect(() => knownOrLater(newId(), null, true)).toThrow(NotCaughtUp);
    expect(knownOrLater(newId(), null, false)).toBeNull();
    expect(knownOrLater(newId(), { id: 'x' }, true)).toEqual({ id: 'x' });
    expect(() => settledOrLater({ status: 'draft' }, (found) => found.status !== 'draft', 'the sending', true)).toThrow(NotCaughtUp);
    expect(settledOrLater({ status: 'draft' }, (found) => found.status !== 'draft', 'the sending', false)).toEqual({ status: 'draft' });
    expect(settledOrLater(null, () => false, 'the sending', true)).toBeNull();
  });

  it('a look that fails for any other reason is not made again', async () => {
    let made = 0;
    await expect(
      caughtUp(async () => {
        made++;
        throw new Error('refused');
      }, QUICK),
    ).rejects.toThrow('refused');
    expect(made).toBe(1);
  });
});
