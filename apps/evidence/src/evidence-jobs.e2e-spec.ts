import { newId } from '@assay/shared/database';
import { bearer, gateway, signupTenant, waitFor } from '@assay/shared/testing';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { evidenceTestDatabases, fixture, settledEvidence } from './evidence-test-kit';

const securityTxt = fixture('security.txt');
const MAX_BYTES = 50 * 1024 * 1024;

/** A supplier's web server: a security.txt, redirects (one to another page, one to a disallowed scheme) and an endless document. */
function supplierSite(): Server {
  return createServer((request, response) => {
    switch (request.url) {
      case '/.well-known/security.txt':
        response.writeHead(200, { 'content-type': 'text/plain' }).end(securityTxt);
        return;
      case '/security.txt':
        response.writeHead(301, { location: '/.well-known/security.txt' }).end();
        return;
      case '/escape':
        response.writeHead(302, { location: 'file:///etc/passwd' }).end();
        return;
      case '/huge': {
        response.writeHead(200, { 'content-type': 'application/json' });
        const chunk = Buffer.alloc(1024 * 1024, 0x20);
        let sent = 0;
        const write = () => {
          while (sent <= MAX_BYTES + chunk.length) {
            sent += chunk.length;
            if (!response.write(chunk)) return void response.once('drain', write);
          }
          response.end();
        };
        response.on('error', () => undefined);
        write();
        return;
      }
      default:
        response.writeHead(404).end();
    }
  });
}

describe('evidence jobs: URL fetches, the pending sweep, expiry', () => {
  const kit = evidenceTestDatabases();
  const supplier = (tenantId: string, name: string) => kit.supplier(tenantId, name);
  let site: Server;
  let base: string;

  beforeAll(async () => {
    site = supplierSite();
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    site.closeAllConnections();
    await new Promise((resolve) => site.close(resolve));
  });

  const events = async (tenantId: string, type: string): Promise<Record<string, unknown>[]> =>
    (await kit.owner.query(`select payload from evidence.outbox where tenant_id = $1 and type = $2 order by id`, [tenantId, type])).map(
      (row: { payload: { data: Record<string, unknown> } }) => row.payload.data,
    );

  it('fetches URL evidence through the guard, follows checked redirects, refuses other schemes and oversize bodies; announces expiry once', async () => {
    const org = await signupTenant();
    const supplierId = await supplier(org.tenant.id, 'Fetched Ltd');
    const submit = (url: string) =>
      gateway('/api/v1/evidence', { method: 'POST', json: { supplierId, url, claimIds: ['2.1.1'] }, headers: bearer(org.accessToken) });

    const direct = await submit(`${base}/.well-known/security.txt`);
    expect(direct.status).toBe(202);
    expect(direct.body).toMatchObject({ status: 'pending', sha256: null, size: null });
    const redirected = await submit(`${base}/security.txt`);
    const escape = await submit(`${base}/escape`);
    const huge = await submit(`${base}/huge`);

    const fetched = await settledEvidence(org.accessToken, direct.body.id);
    expect(fetched).toMatchObject({ status: 'processed', kind: 'security_txt', size: securityTxt.length, facts: { expires: '2099-12-31T23:59:59.000Z' } });
    expect(await settledEvidence(org.accessToken, redirected.body.id)).toMatchObject({ status: 'processed', kind: 'security_txt', sha256: fetched.sha256 });
    const escaped = await settledEvidence(org.accessToken, escape.body.id);
    expect(escaped.status).toBe('rejected');
    expect(escaped.error).toMatch(/redirect 1.*scheme/);
    const oversize = await settledEvidence(org.accessToken, huge.body.id);
    expect(oversize.status).toBe('rejected');
    expect(oversize.error).toMatch(/larger than/);
    expect((await events(org.tenant.id, 'evidence.failed')).map((data) => data['evidenceId']).sort()).toEqual([escape.body.id, huge.body.id].sort());

    // Expiry: one piece expires in ten days, another expired yesterday; each is announced once.
    await kit.owner.query(`update evidence.evidence set valid_until = now() + interval '10 days' where id = $1`, [direct.body.id]);
    await kit.owner.query(`update evidence.evidence set valid_until = now() - interval '1 day' where id = $1`, [redirected.body.id]);
    const [expiring] = await waitFor(async () => {
      const found = await events(org.tenant.id, 'evidence.expiring');
      return found.length > 0 ? found : null;
    }, 'evidence.expiring');
    const [expired] = await waitFor(async () => {
      const found = await events(org.tenant.id, 'evidence.expired');
      return found.length > 0 ? found : null;
    }, 'evidence.expired');
    expect(expiring).toMatchObject({ evidenceId: direct.body.id, supplierId, supplierName: 'Fetched Ltd', kind: 'security_txt' });
    expect(expired).toMatchObject({ evidenceId: redirected.body.id, supplierId, supplierName: 'Fetched Ltd', kind: 'security_txt' });
    expect(new Date(expired!['validUntil'] as string).getTime()).toBeLessThan(Date.now());
    // Several more ticks (300 ms each in tests) add nothing.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await events(org.tenant.id, 'evidence.expiring')).toHaveLength(1);
    expect(await events(org.tenant.id, 'evidence.expired')).toHaveLength(1);
  });

  it('the sweep picks up evidence left pending without a job', async () => {
    const org = await signupTenant();
    const supplierId = await supplier(org.tenant.id, 'Swept Ltd');
    const id = newId();
    await kit.owner.query(
      `insert into evidence.evidence (tenant_id, id, supplier_id, status, source, url, created_at) values ($1, $2, $3, 'pending', 'url', $4, now() - interval '2 minutes')`,
      [org.tenant.id, id, supplierId, `${base}/.well-known/security.txt`],
    );
    expect(await settledEvidence(org.accessToken, id)).toMatchObject({ status: 'processed', kind: 'security_txt' });
    expect(await events(org.tenant.id, 'evidence.processed')).toHaveLength(1);
  });

  it('the sweep takes up evidence left processing by workers that died, and fails evidence whose ingestion keeps dying', async () => {
    const org = await signupTenant();
    const supplierId = await supplier(org.tenant.id, 'Crashed Ltd');
    const stranded = newId();
    const hopeless = newId();
    // As if workers had died mid-ingestion until BullMQ gave the jobs up (no job of these ids is waiting or running).
    await kit.owner.query(
      `insert into evidence.evidence (tenant_id, id, supplier_id, status, source, url, attempts) values ($1, $2, $4, 'processing', 'url', $5, 3), ($1, $3, $4, 'processing', 'url', $5, 30)`,
      [org.tenant.id, stranded, hopeless, supplierId, `${base}/.well-known/security.txt`],
    );
    expect(await settledEvidence(org.accessToken, stranded)).toMatchObject({ status: 'processed', kind: 'security_txt' });
    expect(await settledEvidence(org.accessToken, hopeless)).toMatchObject({ status: 'failed', error: 'could not be processed in 30 attempts' });
    expect(await events(org.tenant.id, 'evidence.processed')).toHaveLength(1);
    expect(await events(org.tenant.id, 'evidence.failed')).toHaveLength(1);
  });
});
