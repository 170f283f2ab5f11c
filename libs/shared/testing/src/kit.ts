import type { DomainEvent, EventType, JsonObject, ServiceName } from '@assay/shared/contracts';
import { TenantDatabase, newId } from '@assay/shared/database';
import { WORKER_NODE_OPTIONS, freePort } from '@assay/shared/local-infra';
import type { DataSource } from 'typeorm';
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { bearer, gateway, linkToken } from './helpers';
import { testStack } from './test-stack';

/** Writes an event to a service's outbox, as that service would; its relay puts it on the bus. */
export async function emitEvent(database: TenantDatabase, schema: string, tenantId: string, type: EventType, data: object, timestamp = new Date()): Promise<DomainEvent> {
  const event: DomainEvent = { id: newId(), type, timestamp: timestamp.toISOString(), tenantId, data: data as JsonObject };
  await database.run(
    (manager) => manager.query(`insert into ${schema}.outbox (tenant_id, id, type, payload, created_at) values ($1, $2, $3, $4, now())`, [tenantId, event.id, type, JSON.stringify(event)]),
    tenantId,
  );
  return event;
}

/** Polls `probe` until it gives a value, or fails naming what it waited for. */
export async function waitFor<T>(probe: () => Promise<T | undefined | null | false>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Invites someone with a role into the organisation of `ownerToken` and accepts as them (the link is
 * read from the `invitation.created` event in tenancy's outbox). Returns their session.
 */
export async function inviteMember(owner: DataSource, ownerToken: string, role: 'admin' | 'assessor' | 'viewer') {
  const email = `member-${Math.random().toString(36).slice(2)}@example.test`;
  const invited = await gateway('/api/v1/invitations', { method: 'POST', json: { email, role }, headers: bearer(ownerToken) });
  if (invited.status !== 201) throw new Error(`invitation failed: ${invited.status}`);
  const [row] = await owner.query(`select payload from tenancy.outbox where type = 'invitation.created' and payload->'data'->>'invitationId' = $1`, [invited.body.id]);
  const token = linkToken(row.payload.tenantId, row.payload.data.acceptUrl);
  const accepted = await gateway('/api/v1/invitations/accept', { method: 'POST', json: { token, password: `Member password ${Math.random().toString(36).slice(2)}`, name: 'Mo Member' } });
  if (accepted.status !== 200) throw new Error(`acceptance failed: ${accepted.status}`);
  return { email, userId: accepted.body.user.id as string, accessToken: accepted.body.accessToken as string };
}

/** Forks a compiled process of the stack with the stack's env (plus `env`) and waits until `ready` says so. */
async function startStackProcess(entry: string, env: Record<string, string>, ready: (output: string) => Promise<boolean>, what: string): Promise<{ stop(): Promise<void> }> {
  let output = '';
  const child = fork(join(__dirname, '..', '..', '..', '..', 'dist', 'apps', entry, 'src', 'main.js'), [], {
    env: { ...process.env, ...testStack().env, NODE_ENV: 'test', LOG_LEVEL: 'info', ...env },
    execArgv: entry === 'worker' ? [...WORKER_NODE_OPTIONS] : [],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  try {
    await waitFor(() => ready(output), what, 45_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { stop };
}

/** Starts one more worker process on the test stack (it consumes every queue) and says how to stop it. */
export function startExtraWorker(): Promise<{ stop(): Promise<void> }> {
  return startStackProcess('worker', {}, async (output) => output.includes('consuming'), 'the extra worker to start');
}

/** Starts one more replica of a service on a free port with extra env (e.g. a smaller pool); answers once it is ready. */
export async function startExtraService(service: ServiceName, env: Record<string, string> = {}): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const ready = async () => (await fetch(`${url}/health/ready`).catch(() => null))?.status === 200;
  const replica = await startStackProcess(service, { [`${service.toUpperCase()}_PORT`]: String(port), ...env }, ready, `the extra ${service} replica to be ready`);
  return { url, stop: replica.stop };
}

