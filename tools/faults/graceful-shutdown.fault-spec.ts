import { INTERNAL_IDENTITY_HEADER, IdentityTokenIssuer } from '@assay/shared/auth';
import { loadConfig } from '@assay/shared/config';
import type { Identity, ServiceName } from '@assay/shared/contracts';
import { freePort, waitUntilReady } from '@assay/shared/local-infra';
import type { ChildProcess } from 'node:child_process';
import { Agent, fetch as undiciFetch } from 'undici';
import { FaultStack, LoadOutcome, connectionErrorCode, sleep, startFaultStack, startLoad, tally } from './fault-stack';

/** How a process ended: Nest's shutdown hooks re-raise SIGTERM once they have run, so a clean stop reads `SIGTERM`. */
const exitOf = (child: ChildProcess) => new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? `code ${code}`)));

/** A refused connection was never accepted (a load balancer sends it elsewhere); anything else that is not a 2xx failed. */
const RESETS = new Set(['ECONNRESET', 'UND_ERR_SOCKET']);

/** Dispatchers of retries, each a connection of its own, closed when the suite ends. */
const retryAgents: Agent[] = [];

/**
 * fetch that sends an idempotent request again (up to twice more) when its connection was reset
 * before any answer: a connection caught in a keep-alive close, or still in the listen backlog when
 * the draining process closed its listener (the kernel resets those), was never read by the process.
 * Each retry goes on a new connection, as HTTP clients and load balancers retry: the pool's other
 * idle connections to the draining process may have been closed in the same instant.
 */
async function fetchRetryingReset(url: string, init: RequestInit): Promise<{ response: Response; retried: boolean }> {
  for (let attempt = 0; ; attempt++) {
    try {
      if (attempt === 0) return { response: await fetch(url, init), retried: false };
      const dispatcher = new Agent({ connections: 1 });
      retryAgents.push(dispatcher);
      const response = await undiciFetch(url, { headers: init.headers as Record<string, string>, signal: init.signal, dispatcher });
      return { response: response as unknown as Response, retried: true };
    } catch (error) {
      if (attempt === 2 || !RESETS.has(connectionErrorCode(error))) throw error;
    }
  }
}

const failed = (outcomes: LoadOutcome[]) =>
  outcomes.filter((outcome) => !(typeof outcome.status === 'number' && outcome.status < 300) && outcome.error !== 'ECONNREFUSED');

/**
 * SIGTERM under load: to one of two gateway instances (clients whose connection is refused go to the
 * other, as behind a load balancer), and to each service while it is being called. Every request a
 * process accepted must be answered normally before it exits, and it must stop cleanly. A request
 * sent on a keep-alive connection in the instant the draining process closes it as idle was never
 * read: like HTTP clients and load balancers (RFC 9112 §9.3.1), the load retries such an idempotent
 * GET on a new connection (at most twice) and counts it.
 */
describe('SIGTERM under load', () => {
  let faults: FaultStack;
  let token: string;
  let identity: Identity;

  beforeAll(async () => {
    faults = await startFaultStack();
    const owner = await faults.signup();
    token = owner.accessToken;
    identity = { kind: 'user', principalId: owner.userId, tenantId: owner.tenantId, role: 'owner', scopes: [], portal: null, requestId: 'faults' };
    for (let index = 0; index < 20; index++) {
      expect((await faults.api('/api/v1/suppliers', { token, json: { name: `Shutdown Supplier ${index}`, tier: 'medium', role: 'reseller' } })).status).toBe(
        201,
      );
    }
  }, 300_000);

  afterAll(async () => {
    await Promise.all(retryAgents.map((agent) => agent.close()));
    await faults?.stop();
  });

  it('drains the gateway: a client load across the SIGTERM of one of two instances sees no failed request', async () => {
    const port = String(await freePort());
    faults.startProcess('gateway', 'gateway-2', { PORT: port, GATEWAY_PORT: port });
    const second = `http://127.0.0.1:${port}`;
    await waitUntilReady({ gateway: second }, 120_000);
    const instances = [faults.stack.gatewayUrl, second];
    const load = startLoad(6, async (n, signal) => {
      const get = (base: string) => fetchRetryingReset(`${base}/api/v1/suppliers?limit=20`, { headers: { authorization: `Bearer ${token}` }, signal });
      const first = instances[n % 2] as string;
      try {
        const { response, retried } = await get(first);
        return { label: `${first === second ? 'second gateway' : 'first gateway'}${retried ? ' after a reset' : ''}`, response };
      } catch (error) {
        // Refused: not accepted by that instance; the client (or its load balancer) tries the other.
        if (connectionErrorCode(error) !== 'ECONNREFUSED' || first === second) throw error;
        return { label: 'second gateway after a refusal', response: (await get(second)).response };
      }
    });
    await sleep(3_000);
    const gateway = faults.stack.supervisor.get('gateway') as ChildProcess;
    const exited = exitOf(gateway);
    gateway.kill('SIGTERM');
    const code = await exited;
    await sleep(2_000);
    const outcomes = await load.stop();
    process.stdout.write(`gateway SIGTERM: ${JSON.stringify(tally(outcomes))}\n`);
    expect(['SIGTERM', 'code 0']).toContain(code);
    expect(tally(failed(outcomes))).toEqual({});
    expect(outcomes.filter((outcome) => outcome.label === 'first gateway' && outcome.status === 200).length).toBeGreaterThan(0);
  });

  const routes: Record<ServiceName, string> = {
    tenancy: '/api/v1/tenant',
    assessments: '/api/v1/suppliers?limit=20',
    evidence: '/api/v1/evidence',
    notifications: '/api/v1/webhook-endpoints',
  };

  it.each(Object.keys(routes) as ServiceName[])('drains %s: requests it accepted before SIGTERM are all answered', async (service) => {
    const issuer = new IdentityTokenIssuer(loadConfig('gateway', faults.env).internalTokenPrivateKey as string);
    const headers = { [INTERNAL_IDENTITY_HEADER]: await issuer.issue(identity, service) };
    const url = `${faults.stack.serviceUrls[service]}${routes[service]}`;
    const load = startLoad(6, async (_n, signal) => {
      const { response, retried } = await fetchRetryingReset(url, { headers, signal });
      return { label: `${service}${retried ? ' after a reset' : ''}`, response };
    });
    await sleep(2_000);
    const child = faults.stack.supervisor.get(service) as ChildProcess;
    const exited = exitOf(child);
    child.kill('SIGTERM');
    const code = await exited;
    await sleep(500);
    const outcomes = await load.stop();
    process.stdout.write(`${service} SIGTERM: ${JSON.stringify(tally(outcomes))}\n`);
    // The replacement comes up where the old one was.
    faults.startProcess(service);
    await waitUntilReady({ [service]: faults.stack.serviceUrls[service] as string }, 120_000);
    expect(['SIGTERM', 'code 0']).toContain(code);
    expect(tally(failed(outcomes))).toEqual({});
    expect(outcomes.filter((outcome) => outcome.status === 200).length).toBeGreaterThan(0);
  });
});
