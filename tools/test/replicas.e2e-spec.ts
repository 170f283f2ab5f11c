import { SERVICE_NAMES, ServiceName } from '@assay/shared/contracts';
import { freePort, waitUntilReady } from '@assay/shared/local-infra';
import { cycloneDxSbom, mailSubject, waitFor } from '@assay/shared/testing';
import { useTimeTravelStack } from './time-travel-stack';

/*
 * Stateless replicas: on a stack of its own, a second replica of every service and a second worker
 * join the first ones, and a gateway given both replicas of each service (`<SERVICE>_URL=a,b`)
 * carries all the traffic. Real work runs through it (organisations, suppliers, assessments sent,
 * evidence ingested, webhooks delivered, a reminder tick reached by moving business time) and every
 * piece of it happens exactly once: one email per assessment and per reminder, one delivery per event,
 * every outbox row published once. Both replicas of every service answered requests.
 */

const DAY = 86_400_000;
const TENANTS = 2;
const SUPPLIERS_PER_TENANT = 2;
const stack = useTimeTravelStack();

/** Requests a replica served, other than health checks and metrics (its own Prometheus counter). */
async function requestsServed(url: string): Promise<number> {
  const metrics = await (await fetch(`${url}/metrics`)).text();
  let served = 0;
  for (const line of metrics.split('\n')) {
    const match = /^http_request_duration_seconds_count\{([^}]*)\} (\d+)/.exec(line);
    if (match && !/route="\/(health|metrics)/.test(match[1] as string)) served += Number(match[2]);
  }
  return served;
}

describe('two replicas of every service and two workers behind one gateway', () => {
  it('spreads requests over the replicas and does every piece of work exactly once', async () => {
    const tt = stack();
    const replicas = {} as Record<ServiceName, string>;
    for (const service of SERVICE_NAMES) {
      const port = await freePort();
      tt.startProcess(service, `${service}-2`, { [`${service.toUpperCase()}_PORT`]: String(port) });
      replicas[service] = `http://127.0.0.1:${port}`;
    }
    tt.startProcess('worker', 'worker-2');
    await waitUntilReady(replicas, 180_000);
    await waitFor(async () => tt.output('worker-2').some((line) => line.includes('consuming')), 'the second worker to consume');
    const gatewayPort = String(await freePort());
    const upstreams = Object.fromEntries(
      SERVICE_NAMES.map((service) => [`${service.toUpperCase()}_URL`, `${tt.stack.serviceUrls[service]},${replicas[service]}`]),
    );
    tt.startProcess('gateway', 'gateway-2', { PORT: gatewayPort, GATEWAY_PORT: gatewayPort, ...upstreams });
    const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
    await waitUntilReady({ gateway: gatewayUrl }, 120_000);
    const servedBefore = await Promise.all([...Object.values(tt.stack.serviceUrls), ...Object.values(replicas)].map(requestsServed));

    const api = async (method: string, path: string, token: string | undefined, json?: unknown, body?: FormData) => {
      const answer = await tt.api(path, {
        method,
        baseUrl: gatewayUrl,
        ...(token ? { token } : {}),
        ...(json === undefined ? {} : { json }),
        ...(body ? { body } : {}),
      });
      if (answer.status >= 300) throw new Error(`${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
      return answer.body;
    };

    // Organisations, each with a webhook endpoint, suppliers with a contact, an assessment sent and an SBOM each.
    const start = await tt.now();
    const work: { tenantId: string; email: string; password: string; token: string; contacts: string[]; assessments: string[]; evidence: string[] }[] = [];
    for (let t = 0; t < TENANTS; t++) {
      const unique = Math.random().toString(36).slice(2, 10);
      const credentials = { email: `replicas-${unique}@example.test`, password: `Two of each ${unique}` };
      const signup = await api('POST', '/api/v1/auth/signup', undefined, { ...credentials, name: 'Rey Replica', organisationName: `Replicas ${unique}` });
      const token = signup.accessToken as string;
      const tenant = {
        tenantId: signup.tenant.id as string,
        ...credentials,
        token,
        contacts: [] as string[],
        assessments: [] as string[],
        evidence: [] as string[],
      };
      await api('POST', '/api/v1/webhook-endpoints', token, { url: tt.receiver.url, events: ['assessment.sent', 'evidence.processed', 'reminder.sent'] });
      for (let s = 0; s < SUPPLIERS_PER_TENANT; s++) {
        const supplier = await api('POST', '/api/v1/suppliers', token, { name: `Replica Supplies ${t}-${s}`, tier: 'high', role: 'developer_distributor' });
        const email = `contact-${unique}-${s}@replicas.test`;
        await api('POST', `/api/v1/suppliers/${supplier.id}/contacts`, token, { name: `Casey ${s}`, email, isSeniorResponsibleOwner: true });
        const assessment = await api('POST', '/api/v1/assessments', token, {
          supplierId: supplier.id,
          dueAt: new Date(start.getTime() + 40 * DAY).toISOString(),
        });
        await api('POST', `/api/v1/assessments/${assessment.id}/send`, token, {});
        await waitFor(
          async () =>
            (await tt.owner.query('select 1 from evidence.suppliers where tenant_id = $1 and id = $2', [tenant.tenantId, supplier.id])).rowCount === 1,
          'the supplier in the evidence service',
        );
        const form = new FormData();
        form.append('supplierId', supplier.id);
        form.append('file', new Blob([new Uint8Array(cycloneDxSbom(20, `replica-app-${t}-${s}`))]), `sbom-${t}-${s}.json`);
        const evidence = await api('POST', '/api/v1/evidence', token, undefined, form);
        tenant.contacts.push(email);
        tenant.assessments.push(assessment.id);
        tenant.evidence.push(evidence.id);
      }
      work.push(tenant);
    }
    const assessments = work.flatMap((tenant) => tenant.assessments);
    const evidence = work.flatMap((tenant) => tenant.evidence);
    for (const tenant of work) {
      for (const id of tenant.evidence) {
        await waitFor(async () => (await api('GET', `/api/v1/evidence/${id}`, tenant.token)).status === 'processed', `evidence ${id} processed`);
      }
    }

    // Federated reads through the spreading gateway: each subgraph call goes to a replica in turn, every answer whole.
    for (const tenant of work) {
      for (let round = 0; round < 2; round++) {
        const answer = await api('POST', '/graphql', tenant.token, { query: '{ suppliers(first: 10) { edges { node { id evidence { id status } } } } }' });
        expect(answer.errors).toBeUndefined();
        const nodes = answer.data.suppliers.edges.map((edge: { node: { evidence: { id: string; status: string }[] } }) => edge.node);
        expect(
          nodes.flatMap((node: { evidence: { id: string; status: string }[] }) => node.evidence.map((item) => `${item.id} ${item.status}`)).sort(),
        ).toEqual(tenant.evidence.map((id) => `${id} processed`).sort());
      }
    }

    // 27 days on, 13 before the due dates: the reminders tick sends the 14-day reminder of each assessment.
    await tt.advance(27 * DAY);
    const hooks = (type: string) => [...new Map(tt.receiver.received.filter((hook) => hook.type === type).map((hook) => [hook.eventId, hook])).values()];
    await waitFor(async () => hooks('reminder.sent').length >= assessments.length, 'a reminder for every assessment');
    await waitFor(async () => hooks('assessment.sent').length >= assessments.length && hooks('evidence.processed').length >= evidence.length, 'every webhook');
    const mailTo = (email: string, pattern: RegExp) => tt.mail().filter((message) => message.to.includes(email) && pattern.test(mailSubject(message.raw)));
    const contacts = work.flatMap((tenant) => tenant.contacts);
    await waitFor(async () => contacts.every((email) => mailTo(email, /\] Reminder: .* due in 13 days/).length > 0), 'every reminder email');

    // Let anything duplicated arrive: every outbox row published, nothing queued or sending.
    await waitFor(async () => {
      const { rows } = await tt.owner.query(
        `select (select count(*) from assessments.outbox where published_at is null) + (select count(*) from evidence.outbox where published_at is null)
              + (select count(*) from notifications.outbox where published_at is null)
              + (select count(*) from notifications.emails where status in ('queued', 'sending', 'retrying'))
              + (select count(*) from notifications.webhook_deliveries where status = 'pending') as pending`,
      );
      return Number(rows[0].pending) === 0;
    }, 'the stack to settle');

    // Exactly once: one sending email and one reminder per contact, one delivery per event, one event per piece of work.
    for (const email of contacts) {
      expect([email, mailTo(email, /Software Security Code of Practice assessment for/).length, mailTo(email, /\] Reminder: /).length]).toEqual([email, 1, 1]);
    }
    // One delivery per event, delivered once: a second arrival is only ever an attempt the worker recorded as failed (webhooks are at least once).
    const tenantIds = work.map((tenant) => tenant.tenantId);
    const { rows: deliveries } = await tt.owner.query(
      `select d.event_id as "eventId", count(distinct d.id)::int as deliveries, count(a.id)::int as attempts, count(a.id) filter (where a.succeeded)::int as succeeded
         from notifications.webhook_deliveries d join notifications.webhook_attempts a on a.tenant_id = d.tenant_id and a.delivery_id = d.id
        where d.tenant_id = any($1::uuid[]) group by d.event_id`,
      [tenantIds],
    );
    expect(deliveries.length).toBe(2 * assessments.length + evidence.length);
    for (const delivery of deliveries as { eventId: string; deliveries: number; attempts: number; succeeded: number }[]) {
      const arrivals = tt.receiver.received.filter((hook) => hook.eventId === delivery.eventId).length;
      expect({ ...delivery, arrivals: Math.min(arrivals, delivery.attempts) }).toEqual({ ...delivery, deliveries: 1, succeeded: 1, arrivals });
    }
    expect(
      hooks('assessment.sent')
        .map((hook) => hook.data.assessmentId)
        .sort(),
    ).toEqual([...assessments].sort());
    expect(
      hooks('evidence.processed')
        .map((hook) => hook.data.evidenceId)
        .sort(),
    ).toEqual([...evidence].sort());
    expect(
      hooks('reminder.sent')
        .map((hook) => `${hook.data.assessmentId} ${hook.data.step}`)
        .sort(),
    ).toEqual(assessments.map((id) => `${id} before_14`).sort());
    const outbox = async (schema: string, type: string) =>
      (await tt.owner.query(`select id from ${schema}.outbox where tenant_id = any($1::uuid[]) and type = $2 order by id`, [tenantIds, type])).rows.map(
        (row) => row.id,
      );
    expect(await outbox('assessments', 'assessment.sent')).toEqual(
      hooks('assessment.sent')
        .map((hook) => hook.eventId)
        .sort(),
    );
    expect(await outbox('evidence', 'evidence.processed')).toEqual(
      hooks('evidence.processed')
        .map((hook) => hook.eventId)
        .sort(),
    );
    expect(await outbox('notifications', 'reminder.sent')).toEqual(
      hooks('reminder.sent')
        .map((hook) => hook.eventId)
        .sort(),
    );

    // Both replicas of every service answered requests from the spreading gateway.
    const servedAfter = await Promise.all([...Object.values(tt.stack.serviceUrls), ...Object.values(replicas)].map(requestsServed));
    const names = [...SERVICE_NAMES.map((service) => `${service}-1`), ...SERVICE_NAMES.map((service) => `${service}-2`)];
    const served = Object.fromEntries(names.map((name, index) => [name, (servedAfter[index] as number) - (servedBefore[index] as number)]));
    for (const name of names) expect([name, (served[name] as number) > 0]).toEqual([name, true]);
    expect(tt.exits).toEqual([]);

    // A replica goes away: after a refused request the gateway sends its share to the other.
    await tt.stack.supervisor.stop('assessments-2');
    const [first] = work as [(typeof work)[number]];
    const token = (await api('POST', '/api/v1/auth/login', undefined, { email: first.email, password: first.password })).accessToken as string;
    const statuses: number[] = [];
    const supplierList = async () => (await tt.api('/api/v1/suppliers', { baseUrl: gatewayUrl, token })).status;
    for (let i = 0; i < 6; i++) statuses.push(await supplierList());
    if (statuses.at(-1) !== 200) statuses.push(await supplierList());
    // A refused request is answered 503 and the very next one goes to the other replica (the refused one rests 5 s).
    expect(statuses.filter((status) => status === 200).length).toBeGreaterThanOrEqual(4);
    statuses.forEach((status, index) => expect([index, status === 200 || (status === 503 && statuses[index + 1] === 200)]).toEqual([index, true]));
  }, 600_000);
});
