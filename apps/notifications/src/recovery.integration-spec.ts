import { JobName } from '@assay/shared/contracts';
import { newId } from '@assay/shared/database';
import { JobProducer, QueueRegistry } from '@assay/shared/queue';
import { appDatabase, gateway, mailSubject, ownerDataSource, receivedMail, serviceRequest, stackConfig, waitForMail } from '@assay/shared/testing';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DataSource } from 'typeorm';
import { TestTenant, createTenant, emit, sentAssessment, uniqueEmail, waitFor } from './notifications-test-kit';

describe('no accepted work is lost, bad events are skipped', () => {
  let app: Awaited<ReturnType<typeof appDatabase>>;
  let owner: DataSource;
  let tenant: TestTenant;
  let server: Server;
  let hits = 0;

  beforeAll(async () => {
    app = await appDatabase();
    owner = await ownerDataSource();
    tenant = await createTenant(app.database, owner, 'Resilient');
    server = createServer((_req, res) => {
      hits += 1;
      res.writeHead(204).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    server.closeAllConnections();
    server.close();
    await app.dataSource.destroy();
    await owner.destroy();
  });

  it('sends an email and attempts a delivery whose jobs were lost after the commit (the sweep re-enqueues them)', async () => {
    const address = uniqueEmail('swept');
    // As if a worker crashed between committing these rows and enqueueing their jobs, minutes ago.
    await owner.query(
      `insert into notifications.emails (tenant_id, id, template, to_address, to_name, params, status, dedupe_key, created_at, updated_at)
       values ($1, $2, 'finding_created', $3, 'Sam', $4, 'queued', $5, now() - interval '10 minutes', now() - interval '10 minutes')`,
      [
        tenant.tenantId,
        newId(),
        address,
        JSON.stringify({ recipientName: 'Sam', supplierName: 'Widget Works', title: 'Lost and found', severity: 'low', claimId: '1.1.1' }),
        `test:${newId()}`,
      ],
    );
    const endpoint = await serviceRequest('notifications', '/api/v1/webhook-endpoints', {
      identity: tenant.admin,
      json: { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, events: ['finding.created'] },
    });
    const deliveryId = newId();
    const eventId = newId();
    await owner.query(
      `insert into notifications.webhook_deliveries (tenant_id, id, endpoint_id, event_id, event_type, body, status, next_attempt_at, created_at)
       values ($1, $2, $3, $4, 'finding.created', $5, 'pending', now() - interval '11 minutes', now() - interval '11 minutes')`,
      [tenant.tenantId, deliveryId, endpoint.body.id, eventId, JSON.stringify({ id: eventId, type: 'finding.created', data: {} })],
    );
    const [mail] = await waitForMail(() => receivedMail().some((message) => message.to.includes(address))).then(() =>
      receivedMail().filter((message) => message.to.includes(address)),
    );
    expect(mailSubject(mail!.raw)).toBe(`[${tenant.name}] New low finding for Widget Works: Lost and found`);
    const delivery = await waitFor(async () => {
      const response = await serviceRequest('notifications', `/api/v1/webhook-deliveries/${deliveryId}`, { identity: tenant.admin });
      return response.body.status === 'succeeded' ? response.body : null;
    }, 'the swept delivery');
    expect(delivery.attempts).toEqual([expect.objectContaining({ attempt: 1, statusCode: 204, succeeded: true })]);
    expect(hits).toBe(1);
  });

  it('sends one attempt once however many jobs for it run at the same time (the attempt is leased)', async () => {
    let calls = 0;
    const slow = createServer((_req, res) => {
      calls += 1;
      setTimeout(() => res.writeHead(204).end(), 400);
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    const registry = new QueueRegistry(stackConfig('worker'));
    try {
      const endpoint = await serviceRequest('notifications', '/api/v1/webhook-endpoints', {
        identity: tenant.admin,
        json: { url: `http://127.0.0.1:${(slow.address() as AddressInfo).port}/`, events: ['finding.created'] },
      });
      const deliveryId = newId();
      const eventId = newId();
      await owner.query(
        `insert into notifications.webhook_deliveries (tenant_id, id, endpoint_id, event_id, event_type, body, status, next_attempt_at)
         values ($1, $2, $3, $4, 'finding.created', $5, 'pending', now())`,
        [tenant.tenantId, deliveryId, endpoint.body.id, eventId, JSON.stringify({ id: eventId, type: 'finding.created', data: {} })],
      );
      await new JobProducer(registry).enqueueMany(
        JobName.WebhookDeliver,
        Array.from({ length: 6 }, (_, index) => ({
          payload: { tenantId: tenant.tenantId, deliveryId, attempt: 1 },
          options: { jobId: `race_${deliveryId}_${index}` },
        })),
      );
      const delivery = await waitFor(async () => {
        const response = await serviceRequest('notifications', `/api/v1/webhook-deliveries/${deliveryId}`, { identity: tenant.admin });
        return response.body.status === 'succeeded' ? response.body : null;
      }, 'the raced delivery');
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(calls).toBe(1);
      expect(delivery.attempts).toHaveLength(1);
    } finally {
      await registry.onApplicationShutdown();
      slow.closeAllConnections();
      slow.close();
    }
  });

  it("publishes reminder.sent from its own outbox: to webhooks and to every member's feed", async () => {
    const seen: { type: string; data: any }[] = [];
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        seen.push(JSON.parse(body));
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      await serviceRequest('notifications', '/api/v1/webhook-endpoints', {
        identity: tenant.admin,
        json: { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`, events: ['reminder.sent'] },
      });
      const data = sentAssessment({ dueInDays: 2, email: uniqueEmail('published') });
      await emit(app.database, 'assessments', tenant.tenantId, 'assessment.sent', data, new Date(Date.now() - 30 * 86_400_000));
      const event = await waitFor(async () => seen.find((item) => item.data.assessmentId === data.assessmentId), 'reminder.sent at the receiver');
      expect(event).toMatchObject({ type: 'reminder.sent', data: { step: 'before_7', kind: 'reminder', recipients: [data.recipients?.[0]?.email] } });
      for (const member of [tenant.admin, tenant.viewer]) {
        await waitFor(async () => {
          const feed = await serviceRequest('notifications', '/api/v1/notifications', { identity: member });
          return feed.body.data.some((item: any) => item.type === 'reminder.sent' && item.subjectId === data.assessmentId);
        }, 'the reminder in the feed');
      }
    } finally {
      receiver.closeAllConnections();
      receiver.close();
    }
  });

  it('logs and skips a malformed event, and keeps processing the next ones', async () => {
    const bad = { ...sentAssessment({ dueInDays: 3, email: 'not-an-address' }), dueAt: 'soon' };
    await emit(app.database, 'assessments', tenant.tenantId, 'assessment.sent', bad);
    const good = sentAssessment({ dueInDays: 3, email: uniqueEmail('after-bad') });
    await emit(app.database, 'assessments', tenant.tenantId, 'assessment.sent', good);
    await waitFor(
      async () => (await owner.query(`select 1 from notifications.reminder_schedules where id = $1`, [good.assessmentId])).length === 1,
      'the good event',
    );
    expect(await owner.query(`select 1 from notifications.reminder_schedules where id = $1`, [bad.assessmentId])).toEqual([]);
  });

  it('applies events by their time: a late assessment.sent does not reopen a submitted assessment', async () => {
    const data = sentAssessment({ dueInDays: 3, email: uniqueEmail('late') });
    await emit(app.database, 'assessments', tenant.tenantId, 'assessment.submitted', { ...data, status: 'submitted' }, new Date());
    await waitFor(
      async () => (await owner.query(`select 1 from notifications.reminder_schedules where id = $1`, [data.assessmentId])).length === 1,
      'the submission',
    );
    await emit(app.database, 'assessments', tenant.tenantId, 'assessment.sent', data, new Date(Date.now() - 60_000));
    await new Promise((resolve) => setTimeout(resolve, 800));
    const [schedule] = await owner.query(`select open, assessment_status from notifications.reminder_schedules where id = $1`, [data.assessmentId]);
    expect(schedule).toEqual({ open: false, assessment_status: 'submitted' });
  });

  it('documents its routes in the gateway’s OpenAPI document', async () => {
    const { status, body } = await gateway('/api/v1/openapi.json');
    expect(status).toBe(200);
    expect(Object.keys(body.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/webhook-endpoints',
        '/api/v1/webhook-endpoints/{id}/rotate-secret',
        '/api/v1/webhook-deliveries/{id}/redeliver',
        '/api/v1/reminders',
        '/api/v1/notifications',
        '/api/v1/notifications/{id}/read',
      ]),
    );
  });
});
