import { ClockMover } from '@assay/shared/clock';
import { FaultStack, startFaultStack } from '../faults/fault-stack';

export interface TimeTravelStack extends FaultStack {
  gatewayUrl: string;
  /**
   * Moves business time forward by `ms` in every process of this stack (services, worker, gateway)
   * and returns the new business time once every process runs on it.
   */
  advance(ms: number): Promise<Date>;
  /** Business time as the stack sees it now. */
  now(): Promise<Date>;
}

/**
 * A whole stack of its own whose business time the test moves: the fault suite's stack (its own
 * embedded Postgres and redis-server, every process, a real SMTP server and webhook receiver, short
 * ticks) booted with `CLOCK_CONTROL=true`, so every process follows the moves a `ClockMover` makes on
 * that stack's Redis. It never shares Redis with another stack: the clock keys are global to a Redis.
 * Boot it once per file (`useTimeTravelStack`): it costs a Postgres, a Redis and six Node processes.
 */
export async function startTimeTravelStack(extraEnv: Record<string, string> = {}): Promise<TimeTravelStack> {
  const faults = await startFaultStack({ CLOCK_CONTROL: 'true', ...extraEnv });
  const mover = new ClockMover(faults.env['REDIS_URL'] as string);
  return {
    ...faults,
    gatewayUrl: faults.stack.gatewayUrl,
    advance: (ms: number) => mover.advance(ms),
    now: async () => new Date(Date.now() + (await mover.offset())),
    async stop(): Promise<void> {
      await mover.close();
      await faults.stop();
    },
  };
}

/** A time-travel stack booted for the describe block that calls this and stopped after it. */
export function useTimeTravelStack(extraEnv: Record<string, string> = {}): () => TimeTravelStack {
  let stack: TimeTravelStack | undefined;
  beforeAll(async () => {
    stack = await startTimeTravelStack(extraEnv);
  }, 300_000);
  afterAll(async () => {
    await stack?.stop();
  }, 120_000);
  return () => {
    if (!stack) throw new Error('the time-travel stack did not start');
    return stack;
  };
}
