import { ClockMover } from '@assay/shared/clock';
import { Client } from 'pg';
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
  /**
   * A new organisation and its owner. Access tokens live 15 minutes of business time, so after a move
   * ask `signIn()` for a fresh one.
   */
  account(): Promise<TimeTravelAccount>;
  /** A connection to the stack's database as its owner (it bypasses row-level security), for what a test checks in the tables. */
  owner: Client;
}

export interface TimeTravelAccount {
  email: string;
  password: string;
  tenantId: string;
  userId: string;
  accessToken: string;
  /** Signs in again (at the stack's current business time) and returns the new access token. */
  signIn(): Promise<string>;
  /** Calls the API as this owner and returns the body; an answer of 300 or more throws, with its body. */
  call(method: string, path: string, json?: unknown): Promise<any>;
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
  const owner = new Client({ connectionString: faults.env['DATABASE_MIGRATION_URL'] });
  owner.on('error', () => undefined);
  await owner.connect();
  return {
    ...faults,
    gatewayUrl: faults.stack.gatewayUrl,
    owner,
    advance: (ms: number) => mover.advance(ms),
    now: async () => new Date(Date.now() + (await mover.offset())),
    async account(): Promise<TimeTravelAccount> {
      const unique = Math.random().toString(36).slice(2, 10);
      const email = `time-${unique}@example.test`;
      const password = `Time travel ${unique}`;
      const created = await faults.api('/api/v1/auth/signup', { json: { email, password, name: 'Tess Time', organisationName: `Time ${unique}` } });
      if (created.status !== 201) throw new Error(`signup failed: ${created.status} ${JSON.stringify(created.body)}`);
      const account: TimeTravelAccount = {
        email,
        password,
        tenantId: created.body.tenant.id,
        userId: created.body.user.id,
        accessToken: created.body.accessToken,
        async signIn() {
          const signedIn = await faults.api('/api/v1/auth/login', { json: { email, password } });
          if (signedIn.status !== 200) throw new Error(`sign-in failed: ${signedIn.status} ${JSON.stringify(signedIn.body)}`);
          account.accessToken = signedIn.body.accessToken as string;
          return account.accessToken;
        },
        async call(method: string, path: string, json?: unknown) {
          const answer = await faults.api(path, { method, token: account.accessToken, ...(json === undefined ? {} : { json }) });
          if (answer.status >= 300) throw new Error(`${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
          return answer.body;
        },
      };
      return account;
    },
    async stop(): Promise<void> {
      await owner.end().catch(() => undefined);
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
