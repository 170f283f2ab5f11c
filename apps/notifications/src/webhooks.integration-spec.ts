import { withoutCredentialLinks } from '@assay/notifications';
import { appDatabase, mailSubject, ownerDataSource, receivedMail, serviceRequest, subgraphRequest, waitForMail } from '@assay/shared/testing';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import type { DataSource } from 'typeorm';
import { TestTenant, createTenant, emit, sentAssessment, uniqueEmail, waitFor } from './notifications-test-kit';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  verified: unknown;
  error: string | null;
}

/** A webhook receiver as an integrator would write it: verifies with the standardwebhooks package. */
function receiver(secret: () => string, answers: number[]) {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      let verified: unknown = null;
      let error: string | null = null;
      try {
        verified = new Webhook(secret()).verify(body, req.headers as Record<string, string>);
      } catch (failure) {
        error = (failure as Error).message;
      }
      received.push({ headers: req.headers, body, verified, error });
      const status = answers.shift() ?? 200;
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status >= 300 ? 'receiver broke' : 'thanks');
    });
  });
  return { server, received };
}

const listen = async (server: Server) => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
};

describe('webhooks (real receiver, real worker)', () => {
  let app: Awaited<ReturnType<typeof appDatabase>>;
  let owner: DataSource;
  let tenant: TestTenant;
  let other: TestTenant;
  const servers: Server[] = [];

  beforeAll(async () => {
    app = await appDatabase();
    owner = await ownerDataSource();
    [tenant, other] = await Promise.all([createTenant(app.database, owner, 'Hooked'), createTenant(app.database, owner, 'Elsewhere')]);
  });
  afterAll(async () => {
    for (const server of servers) {
      server.closeAllConnections();
      server.close();
    }
    await app.dataSource.destroy();
    await owner.destroy();
  });

  it('signs with Standard Webhooks, retries a 500, logs every attempt, never sends internal events, and a stale replay is rejected', async () => {
    let secret = '';
    const hook = receiver(() => secret, [500]);
    servers.push(hook.server);
    const url = await listen(hook.server);
    const created = await serviceRequest('notifications', '/api/v1/webhook-endpoints', {
      identity: tenant.admin,
      json: { url, events: ['*'], description: 'integration' },
    });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    secret = created.body.secret;
    const [stored] = await owner.query(`select secret_ciphertext from notifications.webhook_endpoints where id = $1`, [created.body.id]);
    expect(stored.secret_ciphertext).not.toContain(secret.slice(6));

    await emit(app.database, 'tenancy', tenant.tenantId, 'member.joined', {
      userId: tenant.viewer.principalId,
      email: tenant.viewer.email,
      name: 'again',
      role: 'viewer',
    });
    const submitted = await emit(app.database, 'assessments', tenant.tenantId, 'assessment.submitted', {
      ...sentAssessment({ dueInDays: 5, email: uniqueEmail('x') }),
      status: 'submitted',
    });
    await waitFor(async () => hook.received.length >= 2, 'a retry after the 500');
    expect(hook.received.map((request) => request.error)).toEqual([null, null]);
    expect(hook.received.map((request) => request.headers['webhook-id'])).toEqual([submitted.id, submitted.id]);
    // Portal links are credentials for the supplier: webhook bodies carry everything else.
    expect(hook.received[1]!.verified).toEqual({
      id: submitted.id,
      type: 'assessment.submitted',
      timestamp: submitted.timestamp,
      tenantId: tenant.tenantId,
      data: withoutCredentialLinks(submitted.data),
    });
    expect(hook.received[1]!.body).not.toContain('portal?token=');

    const deliveries = await waitFor(async () => {
      const response = await serviceRequest('notifications', `/api/v1/webhook-endpoints/${created.body.id}/deliveries`, { identity: tenant.admin });
      return response.body.data?.[0]?.status === 'succeeded' ? response.body.data : null;
    }, 'the delivery to succeed');
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0].attempts).toEqual([
      expect.objectContaining({ attempt: 1, statusCode: 500, responseSnippet: 'receiver broke', succeeded: false, durationMs: expect.any(Number) }),
      expect.objectContaining({ attempt: 2, statusCode: 200, responseSnippet: 'thanks', succeeded: true }),
    ]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(hook.received.every((request) => JSON.parse(request.body).type === 'assessment.submitted')).toBe(true);

    // The same signed request replayed more than five minutes later is refused by the verifier.
    const captured = hook.received[1]!;
    const later = jest.spyOn(Date, 'now').mockReturnValue(Date.now() + 6 * 60_000);
    try {
      expect(() => new Webhook(secret).verify(captured.body, captured.headers as Record<string, string>)).toThrow('Message timestamp too old');
    } finally {
      later.mockRestore();
    }

    // Manual redelivery sends the same message (same webhook-id) again.
    const redelivered = await serviceRequest('notifications', `/api/v1/webhook-deliveries/${deliveries[0].id}/redeliver`, {
      identity: tenant.admin,
      method: 'POST',
    });
    expect(redelivered.status).toBe(202);
    await waitFor(async () => hook.received.length === 3, 'the redelivery');
    expect(hook.received[2]!.headers['webhook-id']).toBe(submitted.id);
    expect(hook.received[2]!.error).toBeNull();
  });

  it('rotation: both secrets sign during the grace period', async () => {
    let secret = '';
    const hook = receiver(() => secret, []);
    servers.push(hook.server);
    const created = await serviceRequest('notifications', '/api/v1/webhook-endpoints', {
      identity: tenant.admin,
      json: { url: await listen(hook.server), events: ['finding.created'] },
    });
    const oldSecret = created.body.secret as string;
    const rotated = await serviceRequest('notifications', `/api/v1/webhook-endpoints/${created.body.id}/rotate-secret`, {
      identity: tenant.admin,
      method: 'POST',
    });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(oldSecret);
    expect(Date.parse(rotated.body.previousSecretExpiresAt)).toBeGreaterThan(Date.now());
    secret = rotated.body.secret;
    const tested = await serviceRequest('notifications', `/api/v1/webhook-endpoints/${created.body.id}/test`, { identity: tenant.admin, method: 'POST' });
    expect(tested.status).toBe(202);
    await waitFor(async () => hook.received.length === 1, 'the test event');
    const [request] = hook.received;
    expect(String(request!.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(request!.error).toBeNull();
    expect(() => new Webhook(oldSecret).verify(request!.body, request!.headers as Record<string, string>)).not.toThrow();
    expect(JSON.parse(request!.body)).toMatchObject({ type: 'webhook.test', data: { endpointId: created.body.id } });
  });

  it('disables an endpoint that has failed for three days and emails the tenant admins', async () => {
    const hook = receiver(() => 'whsec_AAAA', [500, 500, 500]);
    servers.push(hook.server);
    const created = await serviceRequest('notifications', '/api/v1/webhook-endpoints', {
      identity: tenant.admin,
      json: { url: await listen(hook.server), events: ['finding.created'] },
    });
    // It has been failing continuously for longer than three days.
    await owner.query(`update notifications.webhook_endpoints set failing_since = now() - interval '73 hours' where id = $1`, [created.body.id]);
    await serviceRequest('notifications', `/api/v1/webhook-endpoints/${created.body.id}/test`, { identity: tenant.admin, method: 'POST' });
    const endpoint = await waitFor(async () => {
      const response = await serviceRequest('notifications', `/api/v1/webhook-endpoints/${created.body.id}`, { identity: tenant.admin });
      return response.body.enabled === false ? response.body : null;
    }, 'the endpoint to be disabled');
    expect(endpoint.disabledReason).toMatch(/failed for 3 days/);
    await waitForMail((messages) =>
      messages.some((message) => message.to.includes(tenant.admin.email) && /Webhook endpoint disabled/.test(mailSubject(message.raw))),
    );
    const reenabled = await serviceRequest('notifications', `/api/v1/webhook-endpoints/${created.body.id}`, {
      identity: tenant.admin,
      method: 'PATCH',
      json: { enabled: true },
    });
    expect(reenabled.body).toMatchObject({ enabled: true, disabledReason: null, failingSince: null });
  });

  it('validates input: unknown event types, private targets spelled oddly are fine only because this stack allows private targets', async () => {
    const bad = await serviceRequest('notifications', '/api/v1/webhook-endpoints', {
      identity: tenant.admin,
      json: { url: 'https://example.com/x', events: ['tenant.created'] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'events' })]);
    const scheme = await serviceRequest('notifications', '/api/v1/webhook-endpoints', {
      identity: tenant.admin,
      json: { url: 'ftp://example.com/x', events: ['*'] },
    });
    expect(scheme.status).toBe(422);
    const unspecified = await serviceRequest('notifications', '/api/v1/webhook-endpoints', {
      identity: tenant.admin,
      json: { url: 'http://0.0.0.0:80/', events: ['*'] },
    });
    expect(unspecified.status).toBe(422);
    const viewer = await serviceRequest('notifications', '/api/v1/webhook-endpoints', { identity: tenant.viewer });
    expect(viewer.status).toBe(403);
  });

  it('tenant isolation: another tenant’s endpoints, deliveries, reminders and feed are not found and do not change', async () => {
    const hook = receiver(() => 'whsec_AAAA', []);
    servers.push(hook.server);
    const mine = await serviceRequest('notifications', '/api/v1/webhook-endpoints', {
      identity: tenant.admin,
      json: { url: await listen(hook.server), events: ['*'] },
    });
    const test = await serviceRequest('notifications', `/api/v1/webhook-endpoints/${mine.body.id}/test`, { identity: tenant.admin, method: 'POST' });
    const id = mine.body.id as string;
    const as = other.admin;
    expect((await serviceRequest('notifications', `/api/v1/webhook-endpoints/${id}`, { identity: as })).status).toBe(404);
    expect((await serviceRequest('notifications', `/api/v1/webhook-endpoints/${id}`, { identity: as, method: 'PATCH', json: { enabled: false } })).status).toBe(
      404,
    );
    expect((await serviceRequest('notifications', `/api/v1/webhook-endpoints/${id}`, { identity: as, method: 'DELETE' })).status).toBe(404);
    expect((await serviceRequest('notifications', `/api/v1/webhook-endpoints/${id}/rotate-secret`, { identity: as, method: 'POST' })).status).toBe(404);
    expect((await serviceRequest('notifications', `/api/v1/webhook-endpoints/${id}/test`, { identity: as, method: 'POST' })).status).toBe(404);
    expect((await serviceRequest('notifications', `/api/v1/webhook-endpoints/${id}/deliveries`, { identity: as })).status).toBe(404);
    expect((await serviceRequest('notifications', `/api/v1/webhook-deliveries/${test.body.id}`, { identity: as })).status).toBe(404);
    expect((await serviceRequest('notifications', `/api/v1/webhook-deliveries/${test.body.id}/redeliver`, { identity: as, method: 'POST' })).status).toBe(404);
    const theirList = await serviceRequest('notifications', '/api/v1/webhook-endpoints', { identity: as });
    expect(theirList.body.data.map((endpoint: any) => endpoint.id)).not.toContain(id);

    const gql = await subgraphRequest('notifications', as, `query ($id: ID!) { webhookEndpoint(id: $id) { id } webhookEndpoints { edges { node { id } } } }`, {
      id,
    });
    expect(gql.body.data.webhookEndpoint).toBeNull();
    expect(gql.body.data.webhookEndpoints.edges).toEqual(expect.not.arrayContaining([{ node: { id } }]));
    const gqlDelete = await subgraphRequest('notifications', as, `mutation ($id: ID!) { deleteWebhookEndpoint(id: $id) }`, { id });
    expect(gqlDelete.body.data).toBeNull();
    const gqlRedeliver = await subgraphRequest('notifications', as, `mutation ($id: ID!) { redeliverWebhookDelivery(id: $id) { id } }`, { id: test.body.id });
    expect(gqlRedeliver.body.data).toBeNull();
    const still = await serviceRequest('notifications', `/api/v1/webhook-endpoints/${id}`, { identity: tenant.admin });
    expect(still.body).toMatchObject({ id, enabled: true });

    // Reminders: another tenant's assessment id lists nothing, over REST and over GraphQL.
    const data = sentAssessment({ dueInDays: 2, email: uniqueEmail('iso') });
    await emit(app.database, 'assessments', tenant.tenantId, 'assessment.sent', data, new Date(Date.now() - 30 * 86_400_000));
    await waitFor(
      async () =>
        (await serviceRequest('notifications', `/api/v1/reminders?assessmentId=${data.assessmentId}`, { identity: tenant.viewer })).body.data.length === 1,
      'the reminder',
    );
    expect((await serviceRequest('notifications', `/api/v1/reminders?assessmentId=${data.assessmentId}`, { identity: other.viewer })).body.data).toEqual([]);
    const entity = await subgraphRequest(
      'notifications',
      other.viewer,
      `query ($reps: [_Any!]!) { _entities(representations: $reps) { ... on Assessment { id reminders { step } } } }`,
      {
        reps: [{ __typename: 'Assessment', id: data.assessmentId }],
      },
    );
    expect(entity.body.data._entities).toEqual([{ id: data.assessmentId, reminders: [] }]);
    const ownEntity = await subgraphRequest(
      'notifications',
      tenant.viewer,
      `query ($reps: [_Any!]!) { _entities(representations: $reps) { ... on Assessment { reminders { step recipients { status } } } } }`,
      {
        reps: [{ __typename: 'Assessment', id: data.assessmentId }],
      },
    );
    expect(ownEntity.body.data._entities[0].reminders[0].step).toBe('before_7');

    // Feed: the item exists for this tenant's viewer, not for the other tenant's user.
    const feed = await waitFor(async () => {
      const response = await serviceRequest('notifications', '/api/v1/notifications', { identity: tenant.viewer });
      return response.body.data.find((item: any) => item.type === 'assessment.sent' && item.subjectId === data.assessmentId);
    }, 'the feed item');
    expect(feed).toMatchObject({ title: 'Assessment sent to Widget Works', readAt: null });
    expect((await serviceRequest('notifications', `/api/v1/notifications/${feed.id}/read`, { identity: other.viewer, method: 'POST' })).status).toBe(404);
    const gqlRead = await subgraphRequest('notifications', other.viewer, `mutation ($id: ID!) { markNotificationRead(id: $id) { id } }`, { id: feed.id });
    expect(gqlRead.body.data).toBeNull();
    expect((await serviceRequest('notifications', '/api/v1/notifications', { identity: other.viewer })).body.data.map((item: any) => item.id)).not.toContain(
      feed.id,
    );
    const unread = await serviceRequest('notifications', '/api/v1/notifications?unread=true', { identity: tenant.viewer });
    expect(unread.body.data.map((item: any) => item.id)).toContain(feed.id);

    const read = await serviceRequest('notifications', `/api/v1/notifications/${feed.id}/read`, { identity: tenant.viewer, method: 'POST' });
    expect(read.status).toBe(200);
    expect(read.body.readAt).not.toBeNull();
    const gqlFeed = await subgraphRequest(
      'notifications',
      tenant.viewer,
      `{ notifications(first: 5, unreadOnly: true) { edges { node { id } } pageInfo { hasNextPage } } }`,
    );
    expect(gqlFeed.body.data.notifications.edges.map((edge: any) => edge.node.id)).not.toContain(feed.id);
    const audit = await owner.query(`select action from audit.events where tenant_id = $1 and service = 'notifications' order by seq`, [tenant.tenantId]);
    expect(audit.map((row: any) => row.action)).toEqual(
      expect.arrayContaining(['webhook_endpoint.created', 'webhook_endpoint.tested', 'notification.read', 'webhook_delivery.redelivered']),
    );
  });

  it('GraphQL mirrors REST: create (secret once), update, test, deliveries, rotate, delete', async () => {
    const hook = receiver(() => 'whsec_AAAA', []);
    servers.push(hook.server);
    const url = await listen(hook.server);
    const as = tenant.admin;
    const created = await subgraphRequest(
      'notifications',
      as,
      `mutation ($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { secret endpoint { id url events enabled } } }`,
      {
        input: { url, events: ['assessment.completed'], description: 'graphql' },
      },
    );
    expect(created.body.errors).toBeUndefined();
    const { secret, endpoint } = created.body.data.createWebhookEndpoint;
    expect(secret).toMatch(/^whsec_/);
    expect(endpoint).toMatchObject({ url, events: ['assessment.completed'], enabled: true });
    const invalid = await subgraphRequest(
      'notifications',
      as,
      `mutation { createWebhookEndpoint(input: { url: "https://example.com", events: ["member.joined"] }) { secret } }`,
    );
    expect(invalid.body.data).toBeNull();

    const updated = await subgraphRequest('notifications', as, `mutation ($id: ID!) { updateWebhookEndpoint(id: $id, input: { events: ["*"] }) { events } }`, {
      id: endpoint.id,
    });
    expect(updated.body.data.updateWebhookEndpoint.events).toEqual(['*']);
    const tested = await subgraphRequest('notifications', as, `mutation ($id: ID!) { testWebhookEndpoint(id: $id) { id eventType status } }`, {
      id: endpoint.id,
    });
    expect(tested.body.data.testWebhookEndpoint).toMatchObject({ eventType: 'webhook.test', status: 'pending' });
    await waitFor(async () => {
      const listed = await subgraphRequest(
        'notifications',
        as,
        `query ($id: ID!) { webhookEndpoint(id: $id) { deliveries(first: 10) { edges { node { status attempts { statusCode } } } } } }`,
        { id: endpoint.id },
      );
      return listed.body.data.webhookEndpoint.deliveries.edges[0]?.node.status === 'succeeded';
    }, 'the GraphQL test delivery');
    const page = await subgraphRequest(
      'notifications',
      as,
      `query ($id: ID!) { webhookDeliveries(endpointId: $id, first: 1) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }`,
      { id: endpoint.id },
    );
    expect(page.body.data.webhookDeliveries.edges).toHaveLength(1);
    const rotated = await subgraphRequest(
      'notifications',
      as,
      `mutation ($id: ID!) { rotateWebhookSecret(id: $id) { secret endpoint { previousSecretExpiresAt } } }`,
      { id: endpoint.id },
    );
    expect(rotated.body.data.rotateWebhookSecret.secret).not.toBe(secret);
    const listed = await subgraphRequest('notifications', as, `{ webhookEndpoints(first: 200) { edges { node { id } } } }`);
    expect(listed.body.data.webhookEndpoints.edges.map((edge: any) => edge.node.id)).toContain(endpoint.id);
    const deleted = await subgraphRequest('notifications', as, `mutation ($id: ID!) { deleteWebhookEndpoint(id: $id) }`, { id: endpoint.id });
    expect(deleted.body.data.deleteWebhookEndpoint).toBe(true);
    expect((await serviceRequest('notifications', `/api/v1/webhook-endpoints/${endpoint.id}`, { identity: as })).status).toBe(404);
    const viewer = await subgraphRequest('notifications', tenant.viewer, `{ webhookEndpoints { edges { node { id } } } }`);
    expect(viewer.body.errors?.[0]?.message).toMatch(/webhooks:manage/);
  });

  it('retries a temporary SMTP refusal and records a permanent one', async () => {
    const later = `tempfail-${Date.now()}@customer.example`;
    const never = `reject-${Date.now()}@customer.example`;
    for (const email of [later, never]) {
      await emit(app.database, 'tenancy', tenant.tenantId, 'invitation.created', {
        invitationId: crypto.randomUUID(),
        email,
        role: 'viewer',
        tenantName: tenant.name,
        invitedByName: 'Ada Admin',
        acceptUrl: 'http://localhost:3000/invitations/accept?token=secret',
        expiresAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
      });
    }
    await waitForMail(() => receivedMail().some((message) => message.to.includes(later)));
    const rows = await waitFor(async () => {
      const found = await owner.query(`select to_address, status, attempts, error from notifications.emails where to_address = any($1) order by to_address`, [
        [later, never],
      ]);
      return found.length === 2 && found.every((row: any) => row.status === 'sent' || row.status === 'failed') ? found : null;
    }, 'both emails to settle');
    expect(rows).toEqual([
      expect.objectContaining({ to_address: never, status: 'failed', attempts: 1, error: expect.stringContaining('550') }),
      expect.objectContaining({ to_address: later, status: 'sent', attempts: 2, error: null }),
    ]);
    const [invitation] = receivedMail().filter((message) => message.to.includes(later));
    expect(mailSubject(invitation!.raw)).toBe(`Ada Admin invited you to ${tenant.name} on Assay`);
  });
});
