import { bearer, gateway, graphql, mailSubject, mailText, ownerDataSource, signupTenant, waitForMail } from '@assay/shared/testing';
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
    const accepted = await gateway('/api/v1/invitations/accept', {
      method: 'POST',
      json: { token: link?.[1], password: 'An invited long password', name: 'Ivy Invitee' },
    });
    expect(accepted.status).toBe(200);
    expect(accepted.body.tenant).toMatchObject({ id: org.tenant.id, role: 'assessor' });
  });

  it('webhook endpoints: admins and keys with webhooks:manage only, signed test delivery, isolated per tenant', async () => {
    const org = await signupTenant();
    const other = await signupTenant();
    const created = await gateway('/api/v1/webhook-endpoints', { method: 'POST', json: { url: receiverUrl, events: ['*'] }, headers: bearer(org.accessToken) });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^whsec_/);

    const manageKey = await gateway('/api/v1/api-keys', {
      method: 'POST',
      json: { name: 'hooks', scopes: ['webhooks:manage'] },
      headers: bearer(org.accessToken),
    });
    const auditKey = await gateway('/api/v1/api-keys', { method: 'POST', json: { name: 'audit', scopes: ['audit:read'] }, headers: bearer(org.accessToken) });
    const listed = await gateway('/api/v1/webhook-endpoints', { headers: bearer(manageKey.body.key) });
    expect(listed.status).toBe(200);
    expect(listed.body.data.map((e: { id: string }) => e.id)).toEqual([created.body.id]);
    expect(JSON.stringify(listed.body)).not.toContain(created.body.secret);
    expect((await gateway('/api/v1/webhook-endpoints', { headers: bearer(auditKey.body.key) })).status).toBe(403);

    const invited = await gateway('/api/v1/invitations', {
      method: 'POST',
      json: { email: `viewer-${Date.now()}@example.test`, role: 'viewer' },
      headers: bearer(org.accessToken),
    });
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

  it('a real sent assessment: the contact gets a working portal link; links are sealed at rest and never sent to webhooks', async () => {
    const org = await signupTenant();
    const auth = bearer(org.accessToken);
    const hook = await gateway('/api/v1/webhook-endpoints', { method: 'POST', json: { url: receiverUrl, events: ['assessment.sent'] }, headers: auth });
    expect(hook.status).toBe(201);
    const supplier = await gateway('/api/v1/suppliers', {
      method: 'POST',
      json: { name: 'Widget Works', tier: 'high', role: 'developer_distributor' },
      headers: auth,
    });
    const contactEmail = `sro-${Date.now()}@supplier.test`;
    await gateway(`/api/v1/suppliers/${supplier.body.id}/contacts`, {
      method: 'POST',
      json: { name: 'Sam Supplier', email: contactEmail, isSeniorResponsibleOwner: true },
      headers: auth,
    });
    const assessment = await gateway('/api/v1/assessments', {
      method: 'POST',
      json: { supplierId: supplier.body.id, dueAt: new Date(Date.now() + 30 * 86_400_000).toISOString() },
      headers: auth,
    });
    expect(assessment.status).toBe(201);
    expect((await gateway(`/api/v1/assessments/${assessment.body.id}/send`, { method: 'POST', json: {}, headers: auth })).status).toBe(200);

    const [mail] = (await waitForMail((messages) => messages.some((m) => m.to.includes(contactEmail)))).filter((m) => m.to.includes(contactEmail));
    const token = /\/portal\?token=(assay_portal_[A-Za-z0-9_-]+)/.exec(mailText(mail?.raw ?? ''))?.[1] as string;
    expect(token).toBeTruthy();
    const portal = await gateway('/api/v1/portal/assessment', { headers: bearer(token) });
    expect(portal.status).toBe(200);

    const deadline = Date.now() + 10_000;
    let delivered: { body: string } | undefined;
    while (!delivered && Date.now() < deadline) {
      delivered = received.find((r) => r.body.includes(assessment.body.id));
      if (!delivered) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(delivered?.body).toContain(contactEmail);
    expect(delivered?.body).not.toContain('portalUrl');
    expect(delivered?.body).not.toContain(token);

    const owner = await ownerDataSource();
    try {
      const stored = await owner.query(
        `select (select string_agg(params::text, ' ') from notifications.emails where tenant_id = $1) as emails,
                (select string_agg(recipients::text || coalesce(senior_responsible_owner::text, ''), ' ') from notifications.reminder_schedules where tenant_id = $1) as schedules,
                (select string_agg(body, ' ') from notifications.webhook_deliveries where tenant_id = $1) as deliveries`,
        [org.tenant.id],
      );
      expect(stored[0].emails).toContain('sealed:');
      for (const text of [stored[0].emails, stored[0].schedules, stored[0].deliveries]) expect(text ?? '').not.toContain(token);
    } finally {
      await owner.destroy();
    }
  });
});
