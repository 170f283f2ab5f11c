import { bearer, gateway, graphql, mailSubject, mailText, signupTenant, waitForMail } from '@assay/shared/testing';
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** Real tenancy events feed the notifications service: no test-made events here, only the public API. */
describe('notifications through the gateway, fed by the tenancy service', () => {
  let receiver: Server;
  let receiverUrl: string;
  const received: { headers: IncomingMessage['headers']; body: string }[] = [];

  beforeAll(async () => {
    receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
  });
  afterAll(async () => {
    await new Promise((resolve) => receiver.close(resolve));
  });

  it('an invitation is emailed with its organisation name, and its link accepts the invitation', async () => {
    const org = await signupTenant();
    const email = `invitee-${Date.now()}@example.test`;
    const invited = await gateway('/api/v1/invitations', { method: 'POST', json: { email, role: 'assessor' }, headers: bearer(org.accessToken) });
    expect(invited.status).toBe(201);
    const [mail] = (await waitForMail((messages) => messages.some((m) => m.to.includes(email)))).filter((m) => m.to.includes(email));
    const text = mailText(mail?.raw ?? '');
    expect(`${mailSubject(mail?.raw ?? '')} ${text}`).toContain(org.organisationName);
    const link = /https?:\/\/\S+\/invitations\/accept\?token=(assay_inv_[A-Za-z0-9_-]+)/.exec(text);
    expect(link).not.toBeNull();
    const accepted = await gateway('/api/v1/invitations/accept', { method: 'POST', json: { token: link?.[1], password: 'An invited long password', name: 'Ivy Invitee' } });
    expect(accepted.status).toBe(200);
    expect(accepted.body.tenant).toMatchObject({ id: org.tenant.id, role: 'assessor' });
  });

  it('webhook endpoints: admins and keys with webhooks:manage only, signed test delivery, isolated per tenant', async () => {
    const org = await signupTenant();
    const other = await signupTenant();
    const created = await gateway('/api/v1/webhook-endpoints', { method: 'POST', json: { url: receiverUrl, events: ['*'] }, headers: bearer(org.accessToken) });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^whsec_/);

    const manageKey = await gateway('/api/v1/api-keys', { method: 'POST', json: { name: 'hooks', scopes: ['webhooks:manage'] }, headers: bearer(org.accessToken) });
    const auditKey = await gateway('/api/v1/api-keys', { method: 'POST', json: { name: 'audit', scopes: ['audit:read'] }, headers: bearer(org.accessToken) });
    const listed = await gateway('/api/v1/webhook-endpoints', { headers: bearer(manageKey.body.key) });
    expect(listed.status).toBe(200);
    expect(listed.body.data.map((e: { id: string }) => e.id)).toEqual([created.body.id]);
    expect(JSON.stringify(listed.body)).not.toContain(created.body.secret);
    expect((await gateway('/api/v1/webhook-endpoints', { headers: bearer(auditKey.body.key) })).status).toBe(403);

    const invited = await gateway('/api/v1/invitations', { method: 'POST', json: { email: `viewer-${Date.now()}@example.test`, role: 'viewer' }, headers: bearer(org.accessToken) });
    expect(invited.status).toBe(201);

    // The other tenant sees nothing and changes nothing.
    expect((await gateway(`/api/v1/webhook-endpoints/${created.body.id}`, { headers: bearer(other.accessToken) })).status).toBe(404);
    expect((await gateway(`/api/v1/webhook-endpoints/${created.body.id}`, { method: 'DELETE', headers: bearer(other.accessToken) })).status).toBe(404);
    expect((await gateway(`/api/v1/webhook-endpoints/${created.body.id}/test`, { method: 'POST', headers: bearer(other.accessToken) })).status).toBe(404);
    const otherGraph = await graphql('{ webhookEndpoints { edges { node { id } } } }', {}, bearer(other.accessToken));
    expect(otherGraph.body.data.webhookEndpoints.edges).toEqual([]);
    const ownGraph = await graphql('{ webhookEndpoints { edges { node { id url } } } }', {}, bearer(org.accessToken));
    expect(ownGraph.body.data.webhookEndpoints.edges).toEqual([{ node: { id: created.body.id, url: receiverUrl } }]);

    const test = await gateway(`/api/v1/webhook-endpoints/${created.body.id}/test`, { method: 'POST', headers: bearer(manageKey.body.key) });
    expect([200, 201, 202]).toContain(test.status);
    const deadline = Date.now() + 10_000;
    while (received.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    const delivery = received.find((r) => r.body.includes(org.tenant.id));
    expect(delivery).toBeDefined();
    const payload = new Webhook(created.body.secret).verify(delivery?.body ?? '', delivery?.headers as Record<string, string>) as { tenantId: string };
    expect(payload.tenantId).toBe(org.tenant.id);
    // Internal tenancy events (membership, invitations) never leave Assay.
    expect(received.some((r) => /"type":"(member|invitation|tenant)\./.test(r.body))).toBe(false);
  });

  it("each user's feed is their own", async () => {
    const org = await signupTenant();
    const feed = await gateway('/api/v1/notifications', { headers: bearer(org.accessToken) });
    expect(feed.status).toBe(200);
    expect(feed.body).toMatchObject({ data: expect.any(Array) });
    const key = await gateway('/api/v1/api-keys', { method: 'POST', json: { name: 'k', scopes: ['webhooks:manage'] }, headers: bearer(org.accessToken) });
    expect((await gateway('/api/v1/notifications', { headers: bearer(key.body.key) })).status).toBe(403);
  });
});
