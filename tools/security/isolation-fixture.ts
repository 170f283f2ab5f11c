import { API_KEY_SCOPES, Identity } from '@assay/shared/contracts';
import { bearer, cycloneDxSbom, form, gateway, inviteMember, linkToken, ownerDataSource, signupTenant, testIdentity, waitFor } from '@assay/shared/testing';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
const unique = () => randomUUID().slice(0, 8);
const ATTESTATION = { name: 'Sam Signer', role: 'CTO', email: 'sam@supplier.test', statement: true };

/** Runs `task` over `items` with at most `concurrency` in flight, results in the order of the items. */
export async function inParallel<T, R>(items: readonly T[], concurrency: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    for (let index = next++; index < items.length; index = next++) results[index] = await task(items[index] as T);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
  return results;
}

/** An organisation's owner and a way to call the API as them. */
export async function organisationOwner() {
  const signedUp = await signupTenant();
  const call = async (method: string, path: string, json?: unknown, expected = [200, 201, 202, 204]): Promise<any> => {
    const answer = await gateway(path, { method, headers: bearer(signedUp.accessToken), ...(json === undefined ? {} : { json }) });
    if (!expected.includes(answer.status)) throw new Error(`${method} ${path} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    return answer.body;
  };
  return { ...signedUp, tenantId: signedUp.tenant.id as string, userId: signedUp.user.id as string, call };
}

export type OrganisationOwner = Awaited<ReturnType<typeof organisationOwner>>;

/** A new ECDSA P-256 public key (PEM), as a tenant registers to verify signed attestations. */
export function freshPublicKey(): string {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
}

/** A web server that answers every webhook 204, so deliveries succeed once and settle. */
export async function webhookReceiver(): Promise<{ url: string; close(): Promise<void> }> {
  // It also serves the worlds' advisory feed (a real OSV record with an ETag), so that feed's first poll
  // succeeds and the next is an hour away: the tenant's rows settle.
  const record = readFileSync(join(__dirname, '../../libs/evidence/src/advisories/__fixtures__/GHSA-jfh8-c2jp-5v3q.osv.json'));
  const server: Server = createServer((request, response) => {
    request.resume();
    if (request.method === 'GET' && request.url?.startsWith('/feeds/')) {
      request.on('end', () => response.writeHead(200, { 'content-type': 'application/json', etag: '"fixture"' }).end(record));
      return;
    }
    request.on('end', () => response.writeHead(204).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * One of every resource of a tenant that a route or field takes an id of, each in the state its
 * routes need (a draft to send, submitted assessments to review, return and complete, …).
 */
export interface World {
  tenantId: string;
  ownerUserId: string;
  supplier: string;
  supplierName: string;
  sroContact: string;
  contact: string;
  product: string;
  draft: string;
  cancellable: string;
  sent: string;
  submitted: string;
  returnable: string;
  /** A claim of every assessment above (all are of the same reseller supplier). */
  claim: string;
  finding: string;
  findingTitle: string;
  portalLink: string;
  /** The supplier's pending request for more time on `sent`. */
  extensionRequest: string;
  /** The supplier's SRO's portal token of `sent`, as the sending email carries it. */
  portalToken: string;
  /** The SRO's renewal link for `evidence` (brought within its expiry notice), as the renewal email carries it. */
  renewalToken: string;
  /** The SRO's findings link, as the email of `finding` carries it. */
  findingsToken: string;
  evidence: string;
  evidenceSha256: string;
  componentPurl: string;
  /** An advisory read from a submitted OSV record, and the submitted document. */
  advisory: string;
  advisoryImport: string;
  /** The supplier's inquiry about `advisory` (its SBOM with log4j-core puts it at risk), answered through the SRO's inquiry link. */
  inquiry: string;
  /** The SRO's inquiry link, as the inquiry email carries it, and the assessment it is bound to (the supplier's latest). */
  inquiryToken: string;
  inquiryLinkAssessment: string;
  /** A VEX uploaded through the inquiry link (Apache Commons Text's, about another vulnerability: it answers nothing), once read. */
  inquiryVexUpload: string;
  webhookEndpoint: string;
  webhookUrl: string;
  webhookDelivery: string;
  signingKey: string;
  advisoryFeed: string;
  reminder: string;
  notification: string;
  apiKey: string;
  member: string;
  invitation: string;
  invitationEmail: string;
  auditEvent: string;
  emails: string[];
}

/** The token in the `assessment.sent` event for the given contact (sealed there as the email would carry it). */
async function sentToken(owner: DataSource, assessmentId: string, contactId: string): Promise<string> {
  const [event] = await waitFor(async () => {
    const rows = await owner.query(`select payload from assessments.outbox where type = 'assessment.sent' and payload->'data'->>'assessmentId' = $1`, [
      assessmentId,
    ]);
    return rows.length ? rows : undefined;
  }, 'the assessment.sent event');
  const recipient = (event.payload.data.recipients as { contactId: string; portalUrl: string }[]).find((r) => r.contactId === contactId);
  if (!recipient) throw new Error(`no portal link for contact ${contactId}`);
  return linkToken(event.payload.tenantId, recipient.portalUrl);
}

/** The link for a contact in the assessments event of `type` whose `data[field]` is `id` (a renewal or findings link). */
async function scopedLinkToken(owner: DataSource, type: string, field: string, id: string, contactId: string): Promise<string> {
  const [event] = await waitFor(async () => {
    const rows = await owner.query(`select payload from assessments.outbox where type = $1 and payload->'data'->>$2 = $3`, [type, field, id]);
    return rows.length ? rows : undefined;
  }, `the ${type} event`);
  const recipient = (event.payload.data.recipients as { contactId: string; portalUrl: string }[]).find((r) => r.contactId === contactId);
  if (!recipient) throw new Error(`no link for contact ${contactId} in ${type}`);
  return linkToken(event.payload.tenantId, recipient.portalUrl);
}

/** Answers every claim through the portal and submits with the SRO's attestation. */
async function answerAndSubmit(token: string, claimIds: string[]): Promise<void> {
  const answer = async (claimId: string) => {
    const saved = await gateway(`/api/v1/portal/assessment/responses/${claimId}`, { method: 'PUT', json: { answer: 'met' }, headers: bearer(token) });
    if (saved.status !== 200) throw new Error(`answer failed: ${saved.status} ${JSON.stringify(saved.body)}`);
  };
  // The first answer moves the assessment to in_progress; the rest may go together.
  await answer(claimIds[0] as string);
  await inParallel(claimIds.slice(1), 4, answer);
  const submitted = await gateway('/api/v1/portal/assessment/submit', { method: 'POST', json: { attestation: ATTESTATION }, headers: bearer(token) });
  if (submitted.status !== 200) throw new Error(`submission failed: ${submitted.status} ${JSON.stringify(submitted.body)}`);
}

/** Polls a listing of the API until `pick` finds something in it. */
function listed<T>(org: OrganisationOwner, path: string, pick: (rows: any[]) => T | undefined, what: string, timeoutMs = 30_000): Promise<T> {
  return waitFor(async () => pick(((await org.call('GET', path)) as { data: any[] }).data), what, timeoutMs);
}

/** Builds a world in the owner's organisation, every part through the gateway. */
export async function buildWorld(owner: DataSource, org: OrganisationOwner, receiverUrl: string): Promise<World> {
  const tag = unique();
  const emails = [`sro-${tag}@supplier.test`, `pat-${tag}@supplier.test`];
  const supplierName = `Isolation Supplier ${tag}`;
  const supplier = await org.call('POST', '/api/v1/suppliers', { name: supplierName, tier: 'high', role: 'reseller', ownerUserId: org.userId });
  const [sroContact, contact, product] = await Promise.all([
    org.call('POST', `/api/v1/suppliers/${supplier.id}/contacts`, { name: 'Sam Signer', email: emails[0], isSeniorResponsibleOwner: true }),
    org.call('POST', `/api/v1/suppliers/${supplier.id}/contacts`, { name: 'Pat Plain', email: emails[1] }),
    org.call('POST', `/api/v1/suppliers/${supplier.id}/products`, { name: `Product ${tag}`, deliveryModel: 'saas' }),
  ]);
  const create = (dueAt: string) => org.call('POST', '/api/v1/assessments', { supplierId: supplier.id, productId: product.id, dueAt });
  // `sent` falls due a day and a few seconds from now and is sent at once, so its reminder a day
  // before due goes out during the set-up (a step that falls before the sending is never sent).
  const sent = await create(new Date(Date.now() + 86_400_000 + 8_000).toISOString());
  await org.call('POST', `/api/v1/assessments/${sent.id}/send`, {});
  const [draft, cancellable, submitted, returnable] = await Promise.all([create(inDays(30)), create(inDays(30)), create(inDays(30)), create(inDays(30))]);
  const claimIds = (sent.claims as { id: string }[]).map((claim) => claim.id);
  await Promise.all([submitted, returnable].map((assessment) => org.call('POST', `/api/v1/assessments/${assessment.id}/send`, {})));
  const [portalToken, submittedToken, returnableToken] = await Promise.all(
    [sent, submitted, returnable].map((assessment) => sentToken(owner, assessment.id, sroContact.id)),
  );
  await Promise.all([answerAndSubmit(submittedToken as string, claimIds), answerAndSubmit(returnableToken as string, claimIds)]);
  const extension = await gateway('/api/v1/portal/assessment/extension-requests', {
    method: 'POST',
    json: { requestedDueAt: inDays(60), reason: 'Our SBOM tooling changes next month' },
    headers: bearer(portalToken as string),
  });
  if (extension.status !== 201) throw new Error(`extension request failed: ${extension.status} ${JSON.stringify(extension.body)}`);

  const findingTitle = `Finding ${tag}`;
  const webhookUrl = `${receiverUrl}/hooks/${tag}`;
  const invitationEmail = `invitee-${tag}@example.test`;
  const [finding, portalLink, endpoint, apiKey, signingKey, advisoryFeed] = await Promise.all([
    org.call('POST', `/api/v1/assessments/${sent.id}/findings`, { claimId: claimIds[0], severity: 'high', title: findingTitle }),
    org.call('POST', `/api/v1/assessments/${sent.id}/portal-links`, { contactId: contact.id }),
    org.call('POST', '/api/v1/webhook-endpoints', { url: webhookUrl, events: ['supplier.updated'], description: `Endpoint ${tag}` }),
    org.call('POST', '/api/v1/api-keys', { name: `Target key ${tag}`, scopes: ['suppliers:read'] }),
    org.call('POST', '/api/v1/signing-keys', { name: `Release key ${tag}`, publicKey: freshPublicKey() }),
    org.call('POST', '/api/v1/advisory-feeds', { url: `${receiverUrl}/feeds/${tag}.json`, format: 'osv' }),
  ]);
  const [invitation, member, delivery, evidence, advisory] = await Promise.all([
    org.call('POST', '/api/v1/invitations', { email: invitationEmail, role: 'viewer' }),
    inviteMember(owner, org.accessToken, 'viewer'),
    org.call('POST', `/api/v1/webhook-endpoints/${endpoint.id}/test`),
    submitEvidence(org, supplier.id, sent.id),
    submitAdvisory(org),
  ]);
  await waitFor(async () => (await org.call('GET', `/api/v1/webhook-deliveries/${delivery.id}`)).status === 'succeeded', 'the test delivery');
  // Within its expiry notice, the evidence brings the supplier's contacts renewal links.
  await org.call('PATCH', `/api/v1/evidence/${evidence.id}`, { validUntil: inDays(5) });
  const [renewal, findingsLink] = await Promise.all([
    scopedLinkToken(owner, 'evidence.renewal_requested', 'evidenceId', evidence.id, sroContact.id),
    scopedLinkToken(owner, 'finding.created', 'findingId', finding.id, sroContact.id),
  ]);
  const inquiry = await answeredInquiry(owner, org, supplier.id, advisory.advisoryId, sroContact.id);
  const [reminder, notification, auditEvent] = await Promise.all([
    listed(org, `/api/v1/reminders?assessmentId=${sent.id}`, (rows) => rows[0]?.id as string | undefined, 'the reminder a day before due'),
    listed(org, '/api/v1/notifications?limit=200', (rows) => rows.find((row) => row.subjectId === sent.id)?.id as string | undefined, 'a feed item'),
    listed(org, '/api/v1/audit-events', (rows) => rows[0]?.id as string | undefined, 'an audit event'),
  ]);
  return {
    tenantId: org.tenantId,
    ownerUserId: org.userId,
    supplier: supplier.id,
    supplierName,
    sroContact: sroContact.id,
    contact: contact.id,
    product: product.id,
    draft: draft.id,
    cancellable: cancellable.id,
    sent: sent.id,
    submitted: submitted.id,
    returnable: returnable.id,
    claim: claimIds[0] as string,
    finding: finding.id,
    findingTitle,
    portalLink: portalLink.id,
    extensionRequest: extension.body.id,
    portalToken: portalToken as string,
    renewalToken: renewal,
    findingsToken: findingsLink,
    evidence: evidence.id,
    evidenceSha256: evidence.sha256,
    componentPurl: evidence.purl,
    advisory: advisory.advisoryId,
    advisoryImport: advisory.importId,
    inquiry: inquiry.id,
    inquiryToken: inquiry.token,
    inquiryLinkAssessment: inquiry.assessmentId,
    inquiryVexUpload: inquiry.vexUpload,
    webhookEndpoint: endpoint.id,
    webhookUrl,
    webhookDelivery: delivery.id,
    signingKey: signingKey.id,
    advisoryFeed: advisoryFeed.id,
    reminder,
    notification,
    apiKey: apiKey.id,
    member: member.userId,
    invitation: invitation.id,
    invitationEmail,
    auditEvent,
    emails: [...emails, member.email, invitationEmail, org.email],
  };
}

/**
 * The supplier's inquiry about the advisory: an SBOM shipping log4j-core 2.14.1 puts the supplier at
 * risk, the inquiry brings the SRO an inquiry link (read from `inquiry.links_issued`), which answers it.
 */
async function answeredInquiry(
  owner: DataSource,
  org: OrganisationOwner,
  supplierId: string,
  advisoryId: string,
  contactId: string,
): Promise<{ id: string; token: string; assessmentId: string; vexUpload: string }> {
  const sbom = readFileSync(join(__dirname, '../../apps/evidence/src/fixtures/cyclonedx.json'));
  await submitEvidence(org, supplierId, null, sbom);
  await waitFor(
    async () =>
      ((await org.call('GET', `/api/v1/advisories/${advisoryId}`)) as { exposure: { supplierId: string }[] }).exposure.some((x) => x.supplierId === supplierId),
    'the supplier exposed to the advisory',
  );
  const created = (await org.call('POST', `/api/v1/advisories/${advisoryId}/inquiries`, { dueAt: inDays(30), supplierIds: [supplierId] })) as {
    data: { id: string }[];
  };
  const id = created.data[0]?.id as string;
  const token = await scopedLinkToken(owner, 'inquiry.links_issued', 'inquiryId', id, contactId);
  const answered = await gateway('/api/v1/portal/inquiry', {
    method: 'PUT',
    json: { status: 'under_investigation' },
    headers: bearer(token),
  });
  if (answered.status !== 200) throw new Error(`inquiry answer failed: ${answered.status} ${JSON.stringify(answered.body)}`);
  const vex = readFileSync(join(__dirname, '../../libs/evidence/src/parsing/__fixtures__/real/commons-text-vex.cdx.xml'));
  const uploaded = await gateway('/api/v1/portal/inquiry/vex', { method: 'POST', body: form({}, vex, 'VEX.cyclonedx.xml'), headers: bearer(token) });
  if (uploaded.status !== 202) throw new Error(`inquiry VEX upload failed: ${uploaded.status} ${JSON.stringify(uploaded.body)}`);
  const vexUpload = uploaded.body.evidenceId as string;
  await waitFor(
    async () => (await gateway(`/api/v1/portal/inquiry/vex/${vexUpload}`, { headers: bearer(token) })).body?.status === 'unanswered',
    'the inquiry VEX upload read',
  );
  const [link] = await owner.query(`select assessment_id from assessments.portal_tokens where inquiry_id = $1 and contact_id = $2`, [id, contactId]);
  return { id, token, assessmentId: link.assessment_id, vexUpload };
}

/** An SBOM for the supplier (and assessment), processed into components (once the evidence service knows the supplier). */
async function submitEvidence(
  org: OrganisationOwner,
  supplierId: string,
  assessmentId: string | null,
  sbom: Buffer = cycloneDxSbom(3, `isolation-app-${unique()}`),
): Promise<{ id: string; sha256: string; purl: string }> {
  const accepted = await waitFor(async () => {
    const body = new FormData();
    body.append('supplierId', supplierId);
    if (assessmentId) body.append('assessmentId', assessmentId);
    body.append('file', new Blob([new Uint8Array(sbom)]), 'bom.json');
    const answer = await gateway('/api/v1/evidence', { method: 'POST', body, headers: bearer(org.accessToken) });
    // 404 until the supplier.created and assessment.sent events have reached the evidence service.
    if (answer.status === 404) return undefined;
    if (answer.status !== 202) throw new Error(`evidence upload answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    return answer.body as { id: string; sha256: string };
  }, 'the evidence service to know the supplier');
  await waitFor(async () => (await org.call('GET', `/api/v1/evidence/${accepted.id}`)).status === 'processed', 'the SBOM to be processed');
  const purl = JSON.parse(sbom.toString()).components[0].purl as string;
  return { ...accepted, purl };
}

/** A real OSV record (Log4Shell) submitted as an advisory, once the worker has read it. */
async function submitAdvisory(org: OrganisationOwner): Promise<{ importId: string; advisoryId: string }> {
  const record = readFileSync(join(__dirname, '../../libs/evidence/src/advisories/__fixtures__/GHSA-jfh8-c2jp-5v3q.osv.json'), 'utf8');
  const accepted = (await org.call('POST', '/api/v1/advisories', JSON.parse(record))) as { id: string };
  const advisoryId = await waitFor(async () => {
    const document = (await org.call('GET', `/api/v1/advisories/imports/${accepted.id}`)) as { status: string; outcome: { advisoryIds?: string[] } };
    if (document.status === 'failed') throw new Error(`the advisory failed: ${JSON.stringify(document)}`);
    return document.outcome.advisoryIds?.[0];
  }, 'the advisory to be read');
  return { importId: accepted.id, advisoryId };
}

/** Everyone of the attacking organisation who calls the API, each with a bearer token and the identity a subgraph sees. */
export interface Principal {
  name: string;
  token: string;
  identity: Identity;
}

/** The attacking organisation: its owner, an admin, an assessor, a viewer, an API key with every scope, and a portal token, a renewal link, a findings link and an inquiry link of its own. */
export async function attackers(owner: DataSource, org: OrganisationOwner, world: World): Promise<Principal[]> {
  const [admin, assessor, viewer, key] = await Promise.all([
    inviteMember(owner, org.accessToken, 'admin'),
    inviteMember(owner, org.accessToken, 'assessor'),
    inviteMember(owner, org.accessToken, 'viewer'),
    org.call('POST', '/api/v1/api-keys', { name: 'Every scope', scopes: [...API_KEY_SCOPES] }),
  ]);
  const user = (name: 'owner' | 'admin' | 'assessor' | 'viewer', token: string, userId: string): Principal => ({
    name,
    token,
    identity: testIdentity(org.tenantId, { role: name, principalId: userId }),
  });
  const portal = (name: string, token: string, scope: NonNullable<Identity['portal']>): Principal => ({
    name,
    token,
    identity: testIdentity(org.tenantId, { kind: 'portal', role: null, portal: scope }),
  });
  return [
    user('owner', org.accessToken, org.userId),
    user('admin', admin.accessToken, admin.userId),
    user('assessor', assessor.accessToken, assessor.userId),
    user('viewer', viewer.accessToken, viewer.userId),
    {
      name: 'api key',
      token: key.key,
      identity: testIdentity(org.tenantId, { kind: 'api_key', principalId: key.id, role: null, scopes: [...API_KEY_SCOPES] }),
    },
    portal('portal token', world.portalToken, { assessmentId: world.sent, contactId: world.sroContact }),
    portal('renewal link', world.renewalToken, { assessmentId: world.sent, contactId: world.sroContact, link: 'renewal', evidenceId: world.evidence }),
    portal('findings link', world.findingsToken, { assessmentId: world.sent, contactId: world.sroContact, link: 'findings' }),
    portal('inquiry link', world.inquiryToken, {
      assessmentId: world.inquiryLinkAssessment,
      contactId: world.sroContact,
      link: 'inquiry',
      inquiryId: world.inquiry,
    }),
  ];
}

/** What of the victim's must never appear in an attacker's answer: every id, name and address of its world. */
export function victimMarkers(world: World, organisationName: string): string[] {
  const values = Object.entries(world)
    // Claims and the SBOM's component names come from the catalogue and the generator: every tenant has the same.
    .filter(([key]) => key !== 'claim' && key !== 'componentPurl')
    .flatMap(([, value]) => (Array.isArray(value) ? value : [value]))
    .filter((value): value is string => typeof value === 'string');
  return [...new Set([...values, organisationName])];
}

/** The markers found in an answer, leaving out those the request itself carried (an id echoed in "… not found"). */
export function leakedMarkers(markers: readonly string[], answer: unknown, request: string): string[] {
  const text = typeof answer === 'string' ? answer : JSON.stringify(answer ?? null);
  return markers.filter((marker) => !request.includes(marker) && text.includes(marker));
}

/**
 * Every row of the tenant in every table with a `tenant_id` column, read as the schema owner (past
 * row-level security): the state another tenant's attempts must leave exactly as it was.
 */
export async function tenantRows(owner: DataSource, tenantId: string): Promise<Record<string, string[]>> {
  const tables: { table_schema: string; table_name: string }[] = await owner.query(
    `select c.table_schema, c.table_name from information_schema.columns c
       join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name and t.table_type = 'BASE TABLE'
      where c.column_name = 'tenant_id' and c.table_schema not in ('pg_catalog', 'information_schema')
      order by 1, 2`,
  );
  const snapshot: Record<string, string[]> = {};
  for (const { table_schema: schema, table_name: table } of tables) {
    const rows: { row: string }[] = await owner.query(`select to_jsonb(t)::text as row from "${schema}"."${table}" t where tenant_id = $1`, [tenantId]);
    snapshot[`${schema}.${table}`] = rows.map((r) => r.row).sort();
  }
  return snapshot;
}

/** The tenant's rows once background work (outbox relays, emails, feed, reminders) has settled: two reads a second apart agree. */
export async function settledTenantRows(owner: DataSource, tenantId: string): Promise<Record<string, string[]>> {
  let previous = JSON.stringify(await tenantRows(owner, tenantId));
  return waitFor(
    async () => {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const current = await tenantRows(owner, tenantId);
      const same = JSON.stringify(current) === previous;
      previous = JSON.stringify(current);
      return same ? current : undefined;
    },
    'the tenant’s rows to settle',
    30_000,
  );
}

/** Everything the matrix needs: the victim A and its world, the attacker B with its principals and two worlds of its own for positive controls. */
export interface IsolationFixture {
  owner: DataSource;
  victim: OrganisationOwner;
  victimWorld: World;
  markers: string[];
  attacker: OrganisationOwner;
  principals: Principal[];
  /** B's own resources for the REST positive controls (B's portal token is this world's). */
  restWorld: World;
  /** B's own resources for the GraphQL positive controls. */
  graphqlWorld: World;
  tablesWithTenantRows: number;
  before: Record<string, string[]>;
}

/** Builds the fixture in `beforeAll` (both organisations in parallel) and tears it down in `afterAll`. */
export function isolationFixture(): IsolationFixture {
  const fixture = {} as IsolationFixture;
  let receiver: Awaited<ReturnType<typeof webhookReceiver>>;
  beforeAll(async () => {
    fixture.owner = await ownerDataSource();
    receiver = await webhookReceiver();
    const [victim, attacker] = await Promise.all([organisationOwner(), organisationOwner()]);
    const [victimWorld, restWorld, graphqlWorld] = await Promise.all([
      buildWorld(fixture.owner, victim, receiver.url),
      buildWorld(fixture.owner, attacker, receiver.url),
      buildWorld(fixture.owner, attacker, receiver.url),
    ]);
    Object.assign(fixture, { victim, victimWorld, attacker, restWorld, graphqlWorld });
    fixture.principals = await attackers(fixture.owner, attacker, restWorld);
    fixture.markers = victimMarkers(victimWorld, victim.organisationName);
    fixture.before = await settledTenantRows(fixture.owner, victim.tenantId);
    fixture.tablesWithTenantRows = Object.values(fixture.before).filter((rows) => rows.length > 0).length;
  }, 120_000);
  afterAll(async () => {
    await fixture.owner?.destroy();
    await receiver?.close();
  });
  return fixture;
}
