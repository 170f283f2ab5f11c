import { INTERNAL_IDENTITY_HEADER, IdentityTokenIssuer } from '@assay/shared/auth';
import { loadConfig } from '@assay/shared/config';
import type { Identity, ServiceName } from '@assay/shared/contracts';
import { freePort, waitUntilReady } from '@assay/shared/local-infra';
import type { ChildProcess } from 'node:child_process';
import { FaultStack, LoadOutcome, startFaultStack, startLoad, tally } from './fault-stack';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const exitOf = (child: ChildProcess) => new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));

/** A refused connection was never accepted (a load balancer sends it elsewhere); anything else that is not a 2xx failed. */
const failed = (outcomes: LoadOutcome[]) => outcomes.filter((outcome) => !(typeof outcome.status === 'number' && outcome.status < 300) && outcome.error !== 'ECONNREFUSED');

/**
 * SIGTERM under load: to one of two gateway instances (clients whose connection is refused go to the
 * other, as behind a load balancer), and to each service while it is being called. Every request a
 * process accepted must be answered normally before it exits, and it must exit cleanly (code 0).
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
      expect((await faults.api('/api/v1/suppliers', { token, json: { name: `Shutdown Supplier ${index}`, tier: 'medium', role: 'reseller' } })).status).toBe(201);
    }
  }, 300_000);

  afterAll(async () => {
    await faults?.stop();
  }, 120_000);

  it('drains the gateway: a client load across the SIGTERM of one of two instances sees no failed request', async () => {
    const port = String(await freePort());
    faults.startProcess('gateway', 'gateway-2', { PORT: port, GATEWAY_PORT: port });
    const second = `http://127.0.0.1:${port}`;
    await waitUntilReady({ gateway: second }, 120_000);
    const instances = [faults.stack.gatewayUrl, second];
    const load = startLoad(6, async (n, signal) => {
      const get = (base: string) => fetch(`${base}/api/v1/suppliers?limit=20`, { headers: { authorization: `Bearer ${token}` }, signal });
      const first = instances[n % 2] as string;
      try {
        return { label: first === second ? 'second gateway' : 'first gateway', response: await get(first) };
      } catch (error) {
        // Refused: not accepted by that instance; the client (or its load balancer) tries the other.
        if ((error as { cause?: { code?: string } }).cause?.code !== 'ECONNREFUSED' || first === second) throw error;
        return { label: 'second gateway after a refusal', response: await get(second) };
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
    expect(code).toBe(0);
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
    const load = startLoad(6, async (_n, signal) => ({ label: service, response: await fetch(url, { headers, signal }) }));
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
    expect(code).toBe(0);
    expect(tally(failed(outcomes))).toEqual({});
    expect(outcomes.filter((outcome) => outcome.status === 200).length).toBeGreaterThan(0);
  });
});
