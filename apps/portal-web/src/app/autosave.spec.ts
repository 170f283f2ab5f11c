import { Autosave, SaveOutcome, SaveState } from './autosave';

describe('Autosave', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  function setUp(outcomes: (() => Promise<SaveOutcome>)[] = []) {
    const states: [string, SaveState['kind']][] = [];
    const saves: string[] = [];
    const save = jest.fn(async (key: string) => {
      saves.push(key);
      return (outcomes.shift() ?? (async () => ({ kind: 'saved' }) as SaveOutcome))();
    });
    const autosave = new Autosave({ save, onState: (key, state) => states.push([key, state.kind]), delayMs: 500, retryDelaysMs: [1_000, 3_000] });
    return { autosave, states, saves };
  }

  it('saves once after the quiet period, however many changes came before it', async () => {
    const { autosave, states, saves } = setUp();
    autosave.schedule('1.1.1');
    await jest.advanceTimersByTimeAsync(300);
    autosave.schedule('1.1.1');
    await jest.advanceTimersByTimeAsync(300);
    autosave.schedule('1.1.1');
    expect(saves).toEqual([]);
    await jest.advanceTimersByTimeAsync(500);
    expect(saves).toEqual(['1.1.1']);
    expect(states.at(-1)).toEqual(['1.1.1', 'saved']);
    expect(autosave.busy).toBe(false);
  });

  it('keeps one save in flight per key and saves once more for a change made during it', async () => {
    let release!: () => void;
    const { autosave, saves } = setUp([() => new Promise((resolve) => (release = () => resolve({ kind: 'saved' })))]);
    autosave.schedule('1.1.1');
    await jest.advanceTimersByTimeAsync(500);
    autosave.schedule('1.1.1');
    await jest.advanceTimersByTimeAsync(500);
    autosave.schedule('1.1.1');
    await jest.advanceTimersByTimeAsync(500);
    expect(saves).toEqual(['1.1.1']);
    release();
    await jest.advanceTimersByTimeAsync(0);
    expect(saves).toEqual(['1.1.1', '1.1.1']);
  });

  it('retries passing failures with backoff and reports them meanwhile', async () => {
    const { autosave, states, saves } = setUp([
      async () => ({ kind: 'failed', message: 'offline', retry: true }),
      async () => ({ kind: 'failed', message: 'offline', retry: true }),
    ]);
    autosave.schedule('2.1.1');
    await jest.advanceTimersByTimeAsync(500);
    expect(states.at(-1)).toEqual(['2.1.1', 'failed']);
    await jest.advanceTimersByTimeAsync(999);
    expect(saves).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(saves).toHaveLength(2);
    await jest.advanceTimersByTimeAsync(3_000);
    expect(saves).toHaveLength(3);
    expect(states.at(-1)).toEqual(['2.1.1', 'saved']);
  });

  it('leaves refusals and incomplete edits alone until asked again', async () => {
    const { autosave, states, saves } = setUp([
      async () => ({ kind: 'failed', message: 'refused', retry: false }),
      async () => ({ kind: 'incomplete', message: 'Choose an answer' }),
    ]);
    autosave.schedule('3.1.1');
    await jest.advanceTimersByTimeAsync(60_000);
    expect(saves).toHaveLength(1);
    expect(states.at(-1)).toEqual(['3.1.1', 'failed']);
    await autosave.retry('3.1.1');
    expect(states.at(-1)).toEqual(['3.1.1', 'incomplete']);
    await jest.advanceTimersByTimeAsync(60_000);
    expect(saves).toHaveLength(2);
  });

  it('flushes every scheduled key at once and waits for saves in flight', async () => {
    const { autosave, saves } = setUp();
    autosave.schedule('1.1.1');
    autosave.schedule('1.1.2');
    await autosave.flush();
    expect(saves.sort()).toEqual(['1.1.1', '1.1.2']);
    expect(autosave.busy).toBe(false);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(saves).toHaveLength(2);
  });
});
