import {
  SinkMessage,
  bearer,
  enrolTotp,
  form,
  gateway,
  graphql,
  inviteMember,
  mailSubject,
  mailText,
  ownerDataSource,
  settledEvidence,
  signupTenant,
  waitFor,
  waitForMail,
} from '@assay/shared/testing';
import {
  GraphQLField,
  GraphQLInputType,
  GraphQLNamedType,
  GraphQLObjectType,
  GraphQLSchema,
  buildASTSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  parse,
} from 'graphql';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';

/**
 * The role and scope matrix: every operation of the public OpenAPI document and every GraphQL field
 * with a resolver, called as every kind of principal. What each principal may do comes from the
 * documented model below (DESIGN.md §3, API.md, docs/identity.md), never from the
 * product's own role table, so a change to either side that breaks the contract fails here.
 */

type PortalLink = 'assessment' | 'renewal' | 'findings' | 'inquiry';
type Rule = { kind: 'anonymous' } | { kind: 'portal'; links?: PortalLink[] } | { kind: 'permissions'; permissions: string[] };
const ANONYMOUS: Rule = { kind: 'anonymous' };
/** Assessment links only (the rule declares no `links`). */
const PORTAL: Rule = { kind: 'portal' };
/** A renewal link (scoped to one piece of evidence) and nothing else. */
const RENEWAL: Rule = { kind: 'portal', links: ['renewal'] };
/** An inquiry link (scoped to one inquiry about an advisory) and nothing else. */
const INQUIRY: Rule = { kind: 'portal', links: ['inquiry'] };
/** Assessment links and findings links (scoped to one supplier's findings). */
const FINDINGS: Rule = { kind: 'portal', links: ['assessment', 'findings'] };
/** Which portal links a rule lets through. */
const linksOf = (rule: Rule): PortalLink[] => (rule.kind === 'portal' ? (rule.links ?? ['assessment']) : []);
/** A portal link of `kind` holds portal rules that list its kind, and anonymous ones. */
const holdsAsLink = (kind: PortalLink) => (rule: Rule) => rule.kind === 'anonymous' || linksOf(rule).includes(kind);
const needs = (...permissions: string[]): Rule => ({ kind: 'permissions', permissions });

// Viewers read; assessors manage suppliers, assessments and evidence; admins also members and
// invitations, API keys, webhooks, settings and the audit log; owners also other owners.
const VIEWER = ['self', 'suppliers:read', 'assessments:read', 'evidence:read', 'members:read', 'tenant:read'];
const ASSESSOR = [...VIEWER, 'suppliers:write', 'assessments:write', 'evidence:write'];
const ADMIN = [...ASSESSOR, 'members:manage', 'api-keys:manage', 'webhooks:manage', 'tenant:manage', 'audit:read'];
const ROLE_MODEL = { viewer: VIEWER, assessor: ASSESSOR, admin: ADMIN, owner: [...ADMIN, 'owners:manage'] } as const;

// API key scopes (API.md); `…:write` implies `…:read`; a key is never a user, so never `self`.
const SCOPE_MODEL: Record<string, string[]> = {
  'suppliers:read': ['suppliers:read'],
  'suppliers:write': ['suppliers:write', 'suppliers:read'],
  'assessments:read': ['assessments:read'],
  'assessments:write': ['assessments:write', 'assessments:read'],
  'evidence:read': ['evidence:read'],
  'evidence:write': ['evidence:write', 'evidence:read'],
  'webhooks:manage': ['webhooks:manage'],
  'audit:read': ['audit:read'],
};

/** REST: the rule each public route should have, by API.md's groups (first match wins). */
const REST_MODEL: [method: RegExp, path: RegExp, rule: Rule][] = [
  [/^post$/, /^\/api\/v1\/auth\/(signup|login|refresh)$/, ANONYMOUS],
  [/^post$/, /^\/api\/v1\/auth\/(logout|switch-tenant)$/, needs('self')],
  [/^post$/, /^\/api\/v1\/invitations\/accept$/, ANONYMOUS],
  [/./, /^\/api\/v1\/frameworks(\/|$)/, ANONYMOUS],
  [/./, /^\/api\/v1\/portal\/renewal(\/|$)/, RENEWAL],
  [/./, /^\/api\/v1\/portal\/findings(\/|$)/, FINDINGS],
  [/./, /^\/api\/v1\/portal\/inquiry(\/|$)/, INQUIRY],
  [/./, /^\/api\/v1\/portal\//, PORTAL],
  [/./, /^\/api\/v1\/(me|notifications)(\/|$)/, needs('self')],
  [/^get$/, /^\/api\/v1\/tenant$/, needs('tenant:read')],
  [/./, /^\/api\/v1\/tenant$/, needs('tenant:manage')],
  [/^get$/, /^\/api\/v1\/members$/, needs('members:read')],
  [/./, /^\/api\/v1\/(members|invitations)(\/|$)/, needs('members:manage')],
  [/./, /^\/api\/v1\/api-keys(\/|$)/, needs('api-keys:manage')],
  [/./, /^\/api\/v1\/audit-events(\/|$)/, needs('audit:read')],
  [/^get$/, /^\/api\/v1\/suppliers(\/|$)/, needs('suppliers:read')],
  [/./, /^\/api\/v1\/suppliers(\/|$)/, needs('suppliers:write')],
  [/^get$/, /^\/api\/v1\/(assessments|findings|reminders)(\/|$)/, needs('assessments:read')],
  [/./, /^\/api\/v1\/(assessments|findings)(\/|$)/, needs('assessments:write')],
  [/^get$/, /^\/api\/v1\/(evidence|components|advisories|advisory-feeds|inquiries)(\/|$)/, needs('evidence:read')],
  [/./, /^\/api\/v1\/(evidence|advisories|advisory-feeds|inquiries)(\/|$)/, needs('evidence:write')],
  [/./, /^\/api\/v1\/webhook-(endpoints|deliveries)(\/|$)/, needs('webhooks:manage')],
  [/./, /^\/api\/v1\/signing-keys(\/|$)/, needs('tenant:manage')],
];

/** GraphQL: the rule of each root field (mirroring its REST route) and of each field resolved on an entity. */
const GRAPHQL_MODEL: Record<string, Rule> = {
  'Query.framework': ANONYMOUS,
  'Query.frameworks': ANONYMOUS,
  'Query.me': needs('self'),
  'Query.notifications': needs('self'),
  'Mutation.markNotificationRead': needs('self'),
  'Query.tenant': needs('tenant:read'),
  'Mutation.updateTenant': needs('tenant:manage'),
  'Query.members': needs('members:read'),
  'Query.invitations': needs('members:manage'),
  'Mutation.changeMemberRole': needs('members:manage'),
  'Mutation.removeMember': needs('members:manage'),
  'Mutation.inviteMember': needs('members:manage'),
  'Mutation.revokeInvitation': needs('members:manage'),
  'Query.apiKeys': needs('api-keys:manage'),
  'Mutation.createApiKey': needs('api-keys:manage'),
  'Mutation.revokeApiKey': needs('api-keys:manage'),
  'Query.auditEvents': needs('audit:read'),
  'Query.auditVerification': needs('audit:read'),
  'Query.suppliers': needs('suppliers:read'),
  'Query.supplier': needs('suppliers:read'),
  'Mutation.createSupplier': needs('suppliers:write'),
  'Mutation.updateSupplier': needs('suppliers:write'),
  'Mutation.addSupplierContact': needs('suppliers:write'),
  'Mutation.addProduct': needs('suppliers:write'),
  'Query.assessment': needs('assessments:read'),
  'Query.assessments': needs('assessments:read'),
  'Mutation.createAssessment': needs('assessments:write'),
  'Mutation.sendAssessment': needs('assessments:write'),
  'Mutation.reviewAssessment': needs('assessments:write'),
  'Mutation.returnAssessment': needs('assessments:write'),
  'Mutation.completeAssessment': needs('assessments:write'),
  'Mutation.moveAssessmentDueDate': needs('assessments:write'),
  'Mutation.decideExtensionRequest': needs('assessments:write'),
  'Mutation.createFinding': needs('assessments:write'),
  'Mutation.updateFinding': needs('assessments:write'),
  'Query.evidence': needs('evidence:read'),
  'Query.evidenceList': needs('evidence:read'),
  'Query.componentExposure': needs('evidence:read'),
  'Query.advisories': needs('evidence:read'),
  'Query.advisory': needs('evidence:read'),
  'Query.inquiries': needs('evidence:read'),
  'Mutation.createInquiries': needs('evidence:write'),
  'Mutation.updateEvidence': needs('evidence:write'),
  'Query.webhookEndpoints': needs('webhooks:manage'),
  'Query.webhookEndpoint': needs('webhooks:manage'),
  'Query.webhookDeliveries': needs('webhooks:manage'),
  'Mutation.createWebhookEndpoint': needs('webhooks:manage'),
  'Mutation.updateWebhookEndpoint': needs('webhooks:manage'),
  'Mutation.deleteWebhookEndpoint': needs('webhooks:manage'),
  'Mutation.rotateWebhookSecret': needs('webhooks:manage'),
  'Mutation.testWebhookEndpoint': needs('webhooks:manage'),
  'Mutation.redeliverWebhookDelivery': needs('webhooks:manage'),
  // A child list needs the permission of what it lists; a link back needs the permission of its target.
  'Supplier.products': needs('suppliers:read'),
  'Supplier.contacts': needs('suppliers:read'),
  'Supplier.assessments': needs('assessments:read'),
  'Supplier.evidence': needs('evidence:read'),
  'Supplier.advisories': needs('evidence:read'),
  'Assessment.supplier': needs('suppliers:read'),
  'Assessment.evidence': needs('evidence:read'),
  'Assessment.reminders': needs('assessments:read'),
  'Evidence.supplier': needs('evidence:read'),
  'Evidence.assessment': needs('evidence:read'),
  'ComponentExposure.supplier': needs('evidence:read'),
  'Advisory.exposure': needs('evidence:read'),
  'AdvisoryExposure.supplier': needs('evidence:read'),
  'Inquiry.supplier': needs('evidence:read'),
  'Reminder.assessment': needs('assessments:read'),
  'WebhookEndpoint.deliveries': needs('webhooks:manage'),
};
/** Every other field resolved on these types belongs to the type's own area. */
const GRAPHQL_TYPE_MODEL: Record<string, Rule> = { Assessment: needs('assessments:read'), Supplier: needs('suppliers:read') };
/** Entity references each subgraph resolves: a subgraph's stub of another's entity serves only its own fields. */
const GRAPHQL_REFERENCE_MODEL: Record<string, Rule> = {
  'assessments:Supplier': needs('suppliers:read'),
  'assessments:Assessment': needs('assessments:read'),
  'evidence:Supplier': needs('evidence:read'),
  'evidence:Assessment': needs('evidence:read'),
  'notifications:Assessment': needs('assessments:read'),
};

function expectedRestRule(method: string, path: string): Rule | undefined {
  return REST_MODEL.find(([m, p]) => m.test(method) && p.test(path))?.[2];
}

function expectedGraphqlRule(entry: ManifestEntry): Rule | undefined {
  const [type, field] = entry.coordinate.split('.') as [string, string];
  if (field === '__resolveReference') return GRAPHQL_REFERENCE_MODEL[`${entry.subgraph}:${type}`];
  return GRAPHQL_MODEL[entry.coordinate] ?? GRAPHQL_TYPE_MODEL[type];
}

interface Principal {
  name: string;
  headers: Record<string, string>;
  /** What the principal holds under the documented model. */
  holds: (rule: Rule) => boolean;
  anonymous?: boolean;
}

const holdsPermissions = (held: readonly string[]) => (rule: Rule) =>
  rule.kind === 'anonymous' || (rule.kind === 'permissions' && rule.permissions.every((p) => held.includes(p)));

interface ManifestEntry {
  coordinate: string;
  subgraph: string;
  resolver: string;
  access: Rule | null;
}

const manifest = JSON.parse(readFileSync(join(__dirname, '../../dist/graphql-access.json'), 'utf8')) as ManifestEntry[];
const supergraph: GraphQLSchema = buildASTSchema(parse(readFileSync(join(__dirname, '../../dist/supergraph.graphql'), 'utf8')), { assumeValidSDL: true });

const isInaccessible = (field: { astNode?: { directives?: readonly { name: { value: string } }[] } | null }) =>
  !!field.astNode?.directives?.some((d) => d.name.value === 'inaccessible');

/** The client-visible root fields of the supergraph. */
function rootFields(): [string, GraphQLField<unknown, unknown>][] {
  return (['Query', 'Mutation'] as const).flatMap((root) => {
    const type = root === 'Query' ? supergraph.getQueryType() : supergraph.getMutationType();
    return Object.values(type?.getFields() ?? {})
      .filter((field) => !isInaccessible(field))
      .map((field) => [`${root}.${field.name}`, field] as [string, GraphQLField<unknown, unknown>]);
  });
}

/** A value of the argument's type the guard lets through and the resolver then refuses or finds nothing for. */
function sample(type: GraphQLInputType): unknown {
  if (isNonNullType(type)) return sample(type.ofType);
  if (isListType(type)) return [];
  if (isInputObjectType(type)) {
    return Object.fromEntries(
      Object.values(type.getFields())
        .filter((f) => isNonNullType(f.type))
        .map((f) => [f.name, sample(f.type)]),
    );
  }
  if (isEnumType(type)) return type.getValues()[0]?.value;
  switch (type.name) {
    case 'ID':
      return randomUUID();
    case 'Int':
    case 'Float':
      return 1;
    case 'Boolean':
      return false;
    case 'DateTime':
      return new Date(Date.now() + 30 * 86_400_000).toISOString();
    case 'JSON':
      return {};
    default:
      // Empty strings fail every validated string (names, emails, URLs, roles).
      return '';
  }
}

/** Arguments for fields whose generated ones would be valid (an empty update): each is refused after the guard. */
const ARGUMENT_OVERRIDES: Record<string, Record<string, unknown>> = {
  'Mutation.updateTenant': { input: { name: '' } },
};

const selectionOf = (type: GraphQLNamedType) => (isLeafType(type) ? '' : ' { __typename }');

/** A call of one root field with only its required arguments. */
function rootCall(coordinate: string, field: GraphQLField<unknown, unknown>): { query: string; variables: Record<string, unknown> } {
  const [root] = coordinate.split('.') as [string];
  const args = field.args.filter((arg) => isNonNullType(arg.type));
  const definitions = args.map((arg) => `$${arg.name}: ${String(arg.type)}`).join(', ');
  const call = args.length ? `${field.name}(${args.map((arg) => `${arg.name}: $${arg.name}`).join(', ')})` : field.name;
  return {
    query: `${root === 'Query' ? 'query' : 'mutation'}${definitions ? ` (${definitions})` : ''} { ${call}${selectionOf(getNamedType(field.type))} }`,
    variables: { ...Object.fromEntries(args.map((arg) => [arg.name, sample(arg.type)])), ...ARGUMENT_OVERRIDES[coordinate] },
  };
}

/** Calls in flight at once: enough to finish quickly, few enough for a shared machine and the per-principal rate limits. */
const CONCURRENCY = 8;

/**
 * The two matrices make over a thousand calls each: on a loaded machine that can take minutes, and a
 * test must not fail for being slow, so they get more than the default per-test time.
 */
const MATRIX_TIMEOUT_MS = 900_000;

/** Runs `work` over `items` with at most `limit` in flight. */
async function inBatches<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: limit }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
    }),
  );
}

const describeRule = (rule: Rule | null | undefined) =>
  !rule ? 'none' : rule.kind === 'permissions' ? rule.permissions.join('+') : rule.kind === 'portal' ? `portal(${linksOf(rule).join('+')})` : rule.kind;
const sameRule = (a: Rule | null | undefined, b: Rule | null | undefined) => describeRule(a) === describeRule(b);

type Json = Record<string, any>;

let owner: DataSource;
let openapi: Json;
const principals: Principal[] = [];
/** Objects of the tenant that resolved fields are read on. */
const seeded: Record<string, string> = {};

beforeAll(async () => {
  owner = await ownerDataSource();
  openapi = (await gateway('/api/v1/openapi.json')).body;
  const org = await signupTenant();
  const asOwner = bearer(org.accessToken);
  const call = async (method: string, path: string, json: unknown, status: number) => {
    const response = await gateway(path, { method, json, headers: asOwner });
    if (response.status !== status) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body;
  };

  for (const role of ['viewer', 'assessor', 'admin'] as const) {
    const member = await inviteMember(owner, org.accessToken, role);
    principals.push({ name: role, headers: bearer(member.accessToken), holds: holdsPermissions(ROLE_MODEL[role]) });
  }
  principals.push({ name: 'owner', headers: asOwner, holds: holdsPermissions(ROLE_MODEL.owner) });
  for (const scope of Object.keys(SCOPE_MODEL)) {
    const key = await call('POST', '/api/v1/api-keys', { name: `matrix ${scope}`, scopes: [scope] }, 201);
    principals.push({ name: `API key ${scope}`, headers: bearer(key.key), holds: holdsPermissions(SCOPE_MODEL[scope] as string[]) });
  }
  // A key must hold at least one scope: one that could do nothing is refused rather than issued.
  await call('POST', '/api/v1/api-keys', { name: 'matrix without scopes', scopes: [] }, 400);

  const supplier = await call('POST', '/api/v1/suppliers', { name: 'Matrix Supplier Ltd', tier: 'high', role: 'developer_distributor' }, 201);
  const contact = await call('POST', `/api/v1/suppliers/${supplier.id}/contacts`, { name: 'Pat Portal', email: 'pat@matrix-supplier.test' }, 201);
  const assessment = await call('POST', '/api/v1/assessments', { supplierId: supplier.id, dueAt: new Date(Date.now() + 30 * 86_400_000).toISOString() }, 201);
  await call('POST', `/api/v1/assessments/${assessment.id}/send`, {}, 200);
  const link = await call('POST', `/api/v1/assessments/${assessment.id}/portal-links`, { contactId: contact.id }, 201);
  principals.push({ name: 'portal token', headers: bearer(link.token), holds: holdsAsLink('assessment') });
  // Supplier evidence within its expiry notice brings the contact a renewal link by email.
  const expiring = await gateway('/api/v1/evidence', {
    method: 'POST',
    body: form(
      { supplierId: supplier.id, kind: 'policy', validUntil: new Date(Date.now() + 5 * 86_400_000).toISOString(), title: 'Matrix policy' },
      readFileSync(join(__dirname, '../../apps/evidence/src/fixtures/express-security-policy.md')),
      'SECURITY.md',
    ),
    headers: asOwner,
  });
  if (expiring.status !== 202) throw new Error(`expiring evidence: ${expiring.status}`);
  const renewalMail = (
    await waitForMail((messages) => messages.some((m) => m.to.includes('pat@matrix-supplier.test') && mailSubject(m.raw).includes('Please renew')))
  ).find((m) => m.to.includes('pat@matrix-supplier.test') && mailSubject(m.raw).includes('Please renew'));
  const renewalToken = /\/portal\?token=(assay_portal_[A-Za-z0-9_-]+)/.exec(mailText(renewalMail?.raw ?? '').replace(/\s+/g, ' '))?.[1];
  if (!renewalToken) throw new Error('no renewal link was emailed');
  principals.push({ name: 'renewal link', headers: bearer(renewalToken), holds: holdsAsLink('renewal') });
  // A new finding brings the contact a findings link by email.
  await call('POST', `/api/v1/assessments/${assessment.id}/findings`, { claimId: assessment.claims[0].id, severity: 'low', title: 'Matrix finding' }, 201);
  const isFindingMail = (m: SinkMessage) => m.to.includes('pat@matrix-supplier.test') && mailSubject(m.raw).includes('Matrix finding');
  const findingMail = (await waitForMail((messages) => messages.some(isFindingMail))).find(isFindingMail);
  const findingsToken = /\/portal\?token=(assay_portal_[A-Za-z0-9_-]+)/.exec(mailText(findingMail?.raw ?? '').replace(/\s+/g, ' '))?.[1];
  if (!findingsToken) throw new Error('no findings link was emailed');
  principals.push({ name: 'findings link', headers: bearer(findingsToken), holds: holdsAsLink('findings') });
  // An advisory naming a component of the supplier's SBOM, and an inquiry about it, bring the contact an inquiry link by email.
  const sbom = await gateway('/api/v1/evidence', {
    method: 'POST',
    body: form({ supplierId: supplier.id }, readFileSync(join(__dirname, '../../apps/evidence/src/fixtures/cyclonedx.json')), 'bom.json'),
    headers: asOwner,
  });
  if ((await settledEvidence(org.accessToken, sbom.body.id)).status !== 'processed') throw new Error('the SBOM was not processed');
  const osv = JSON.parse(readFileSync(join(__dirname, '../../libs/evidence/src/advisories/__fixtures__/GHSA-jfh8-c2jp-5v3q.osv.json'), 'utf8'));
  const advisoryImport = await call('POST', '/api/v1/advisories', osv, 202);
  const advisoryId = await waitFor(async () => {
    const found = await gateway(`/api/v1/advisories/imports/${advisoryImport.id}`, { headers: asOwner });
    return found.body.status === 'processed' ? (found.body.outcome.advisoryIds[0] as string) : null;
  }, 'the advisory import');
  await call('POST', `/api/v1/advisories/${advisoryId}/inquiries`, { dueAt: new Date(Date.now() + 14 * 86_400_000).toISOString() }, 201);
  const isInquiryMail = (m: SinkMessage) => m.to.includes('pat@matrix-supplier.test') && mailSubject(m.raw).includes('Are you affected by CVE-2021-44228');
  const inquiryMail = (await waitForMail((messages) => messages.some(isInquiryMail))).find(isInquiryMail);
  const inquiryToken = /\/portal\?token=(assay_portal_[A-Za-z0-9_-]+)/.exec(mailText(inquiryMail?.raw ?? '').replace(/\s+/g, ' '))?.[1];
  if (!inquiryToken) throw new Error('no inquiry link was emailed');
  principals.push({ name: 'inquiry link', headers: bearer(inquiryToken), holds: holdsAsLink('inquiry') });
  const evidence = await call(
    'POST',
    '/api/v1/evidence',
    { supplierId: supplier.id, assessmentId: assessment.id, url: 'http://127.0.0.1:9/security.txt' },
    202,
  );
  const endpoint = await call('POST', '/api/v1/webhook-endpoints', { url: 'http://127.0.0.1:9/hooks', events: ['*'] }, 201);
  Object.assign(seeded, { Supplier: supplier.id, Assessment: assessment.id, Evidence: evidence.id, WebhookEndpoint: endpoint.id });

  // An admin of an organisation that requires MFA for admins, who has not enrolled yet.
  const strict = await signupTenant();
  const enrolled = await enrolTotp(strict.accessToken);
  const setting = await gateway('/api/v1/tenant', {
    method: 'PATCH',
    json: { settings: { requireMfaForAdmins: true } },
    headers: bearer(enrolled.accessToken),
  });
  if (setting.status !== 200) throw new Error(`requireMfaForAdmins: ${setting.status}`);
  const pending = await inviteMember(owner, enrolled.accessToken, 'admin');
  const me = await gateway('/api/v1/me', { headers: bearer(pending.accessToken) });
  if (me.body?.session?.mfaEnrolmentRequired !== true) throw new Error(`expected a session that must enrol MFA: ${JSON.stringify(me.body)}`);
  principals.push({ name: 'admin who must enrol MFA', headers: bearer(pending.accessToken), holds: holdsPermissions(['self']) });

  principals.push({ name: 'no credentials', headers: {}, holds: (rule) => rule.kind === 'anonymous', anonymous: true });
  expect(principals.map((principal) => principal.name)).toEqual(expect.arrayContaining(['portal token', 'renewal link', 'findings link', 'inquiry link']));
});

afterAll(async () => {
  await owner?.destroy();
});

const OPERATION_METHODS = ['get', 'put', 'post', 'patch', 'delete'];

function operations(): { method: string; path: string; operation: Json }[] {
  return Object.entries(openapi['paths'] as Record<string, Json>).flatMap(([path, item]) =>
    OPERATION_METHODS.filter((method) => item[method]).map((method) => ({ method, path, operation: item[method] as Json })),
  );
}

/** Calls that succeed for a holder although nothing else may: each changes nothing anyone relies on. */
const HARMLESS_SUCCESSES = new Set(['post /api/v1/me/mfa/totp']);

describe('role and scope matrix', () => {
  it('every operation of the public OpenAPI document declares the documented rule as x-assay-access', () => {
    const ops = operations();
    expect(ops.length).toBeGreaterThan(60);
    const problems = ops.flatMap(({ method, path, operation }) => {
      const declared = operation['x-assay-access'] as Rule | undefined;
      if (!declared) return [`${method} ${path}: no x-assay-access`];
      if (!['anonymous', 'portal', 'permissions'].includes(declared.kind)) return [`${method} ${path}: ${declared.kind} is not a public rule`];
      const expected = expectedRestRule(method, path);
      return sameRule(declared, expected) ? [] : [`${method} ${path}: declares ${describeRule(declared)}, documented ${describeRule(expected)}`];
    });
    expect(problems).toEqual([]);
  });

  it('the build manifest names a rule for every GraphQL field with a resolver, the documented one, and covers every root field', () => {
    const problems: string[] = [];
    const covered = new Set(manifest.map((entry) => entry.coordinate));
    for (const [coordinate] of rootFields()) if (!covered.has(coordinate)) problems.push(`${coordinate}: in the schema, not in the manifest`);
    for (const entry of manifest) {
      const [typeName, fieldName] = entry.coordinate.split('.') as [string, string];
      const type = supergraph.getType(typeName) as GraphQLObjectType | undefined;
      if (!type || (fieldName !== '__resolveReference' && !type.getFields()[fieldName]))
        problems.push(`${entry.coordinate}: in the manifest, not in the schema`);
      if (!entry.access) problems.push(`${entry.coordinate} (${entry.resolver}): no rule`);
      else if (!sameRule(entry.access, expectedGraphqlRule(entry))) {
        problems.push(
          `${entry.coordinate} (${entry.subgraph}): declares ${describeRule(entry.access)}, documented ${describeRule(expectedGraphqlRule(entry))}`,
        );
      }
    }
    expect(problems).toEqual([]);
    expect(manifest.filter((entry) => entry.coordinate.startsWith('Query.') || entry.coordinate.startsWith('Mutation.')).length).toBe(rootFields().length);
  });

  it(
    'every REST operation answers each principal as the documented rule says',
    async () => {
      const problems: string[] = [];
      const cases = operations().flatMap((op) => principals.map((principal) => ({ ...op, principal })));
      await inBatches(cases, CONCURRENCY, async ({ method, path, principal }) => {
        const rule = expectedRestRule(method, path);
        if (!rule) return void problems.push(`${method} ${path}: no documented rule`);
        const url = path.replace(/\{key\}/g, 'uk-sscop').replace(/\{[^}]+\}/g, () => randomUUID());
        // An unknown field fails validation, which runs only after the guard has let the call through.
        const json = method === 'get' ? undefined : { accessMatrixProbe: true };
        const { status, body } = await gateway(url, { method: method.toUpperCase(), headers: principal.headers, json });
        const label = `${principal.name}: ${method} ${path} → ${status}`;
        if (principal.holds(rule)) {
          if (status === 401 || status === 403 || status >= 500) problems.push(`${label}, expected to pass the guard (${body?.detail ?? ''})`);
          else if (method !== 'get' && status < 400 && !HARMLESS_SUCCESSES.has(`${method} ${path}`))
            problems.push(`${label}: a probe must not change anything`);
        } else if (status !== (principal.anonymous ? 401 : 403)) {
          problems.push(`${label}, expected ${principal.anonymous ? 401 : 403}`);
        }
      });
      expect(problems).toEqual([]);
    },
    MATRIX_TIMEOUT_MS,
  );

  it(
    'every GraphQL root field answers each principal as the documented rule says, and no probe changes anything',
    async () => {
      const problems: string[] = [];
      const cases = rootFields().flatMap(([coordinate, field]) => principals.map((principal) => ({ coordinate, field, principal })));
      await inBatches(cases, CONCURRENCY, async ({ coordinate, field, principal }) => {
        const rule = GRAPHQL_MODEL[coordinate];
        if (!rule) return void problems.push(`${coordinate}: no documented rule`);
        const { query, variables } = rootCall(coordinate, field);
        const response = await graphql(query, variables, principal.headers);
        problems.push(
          ...judgeGraphql(`${principal.name}: ${coordinate}`, principal, principal.holds(rule), response, [field.name], coordinate.startsWith('Mutation.')),
        );
      });
      expect(problems).toEqual([]);
    },
    MATRIX_TIMEOUT_MS,
  );

  it('every field resolved on a supplier, assessment, evidence or webhook endpoint answers each principal as the rules of the path say', async () => {
    const roots: Record<string, { field: string; rule: Rule }> = {
      Supplier: { field: 'supplier', rule: needs('suppliers:read') },
      Assessment: { field: 'assessment', rule: needs('assessments:read') },
      Evidence: { field: 'evidence', rule: needs('evidence:read') },
      WebhookEndpoint: { field: 'webhookEndpoint', rule: needs('webhooks:manage') },
    };
    const resolved = manifest.filter((entry) => roots[entry.coordinate.split('.')[0] as string] && !entry.coordinate.endsWith('.__resolveReference'));
    expect(resolved.map((entry) => entry.coordinate)).toEqual(
      expect.arrayContaining(['Supplier.evidence', 'Supplier.assessments', 'Assessment.reminders', 'Assessment.evidence', 'Evidence.supplier']),
    );
    const problems: string[] = [];
    const cases = resolved.flatMap((entry) => principals.map((principal) => ({ entry, principal })));
    await inBatches(cases, CONCURRENCY, async ({ entry, principal }) => {
      const [typeName, fieldName] = entry.coordinate.split('.') as [string, string];
      const root = roots[typeName] as { field: string; rule: Rule };
      const fieldRule = expectedGraphqlRule(entry) as Rule;
      const field = (supergraph.getType(typeName) as GraphQLObjectType).getFields()[fieldName] as GraphQLField<unknown, unknown>;
      const response = await graphql(
        `query ($id: ID!) { ${root.field}(id: $id) { id ${fieldName}${selectionOf(getNamedType(field.type))} } }`,
        { id: seeded[typeName] },
        principal.headers,
      );
      const allowed = principal.holds(root.rule) && principal.holds(fieldRule);
      problems.push(...judgeGraphql(`${principal.name}: ${root.field} { ${fieldName} }`, principal, allowed, response, [root.field, fieldName]));
      if (allowed && response.body?.data?.[root.field]?.id !== seeded[typeName])
        problems.push(`${principal.name}: ${root.field} { ${fieldName} } did not read the seeded ${typeName}`);
    });
    expect(problems).toEqual([]);
  });

  it('every entity reference a subgraph resolves answers each principal as the rules along its path say', async () => {
    // Each reference is reached through a field of another subgraph; every rule on the path applies.
    const probes: Record<string, { root: 'Supplier' | 'Assessment' | 'Evidence'; query: string; path: string[]; rules: (Rule | undefined)[] }> = {
      'assessments:Supplier': {
        root: 'Evidence',
        query: 'query ($id: ID!) { evidence(id: $id) { id supplier { name } } }',
        path: ['evidence', 'supplier', 'name'],
        rules: [GRAPHQL_MODEL['Query.evidence'], GRAPHQL_MODEL['Evidence.supplier'], GRAPHQL_REFERENCE_MODEL['assessments:Supplier']],
      },
      'assessments:Assessment': {
        root: 'Evidence',
        query: 'query ($id: ID!) { evidence(id: $id) { id assessment { status } } }',
        path: ['evidence', 'assessment', 'status'],
        rules: [GRAPHQL_MODEL['Query.evidence'], GRAPHQL_MODEL['Evidence.assessment'], GRAPHQL_REFERENCE_MODEL['assessments:Assessment']],
      },
      'evidence:Supplier': {
        root: 'Supplier',
        query: 'query ($id: ID!) { supplier(id: $id) { id evidence { id } } }',
        path: ['supplier', 'evidence'],
        rules: [GRAPHQL_MODEL['Query.supplier'], GRAPHQL_MODEL['Supplier.evidence'], GRAPHQL_REFERENCE_MODEL['evidence:Supplier']],
      },
      'evidence:Assessment': {
        root: 'Assessment',
        query: 'query ($id: ID!) { assessment(id: $id) { id evidence { id } } }',
        path: ['assessment', 'evidence'],
        rules: [GRAPHQL_MODEL['Query.assessment'], GRAPHQL_MODEL['Assessment.evidence'], GRAPHQL_REFERENCE_MODEL['evidence:Assessment']],
      },
      'notifications:Assessment': {
        root: 'Assessment',
        query: 'query ($id: ID!) { assessment(id: $id) { id reminders { __typename } } }',
        path: ['assessment', 'reminders'],
        rules: [GRAPHQL_MODEL['Query.assessment'], GRAPHQL_MODEL['Assessment.reminders'], GRAPHQL_REFERENCE_MODEL['notifications:Assessment']],
      },
    };
    const references = manifest
      .filter((entry) => entry.coordinate.endsWith('.__resolveReference'))
      .map((entry) => `${entry.subgraph}:${entry.coordinate.split('.')[0]}`);
    expect(Object.keys(probes).sort()).toEqual(references.sort());
    const problems: string[] = [];
    const cases = Object.entries(probes).flatMap(([reference, probe]) => principals.map((principal) => ({ reference, probe, principal })));
    await inBatches(cases, CONCURRENCY, async ({ reference, probe, principal }) => {
      const response = await graphql(probe.query, { id: seeded[probe.root] }, principal.headers);
      const allowed = probe.rules.every((rule) => !!rule && principal.holds(rule));
      problems.push(...judgeGraphql(`${principal.name}: ${reference} reference`, principal, allowed, response, probe.path));
      if (allowed && probe.path.slice(0, -1).reduce<any>((data, key) => data?.[key], response.body?.data) == null)
        problems.push(`${principal.name}: ${reference} reference answered nothing`);
    });
    expect(problems).toEqual([]);
  });

  it('refuses a caller without the permission before reading what they sent', async () => {
    const viewer = principals.find((principal) => principal.name === 'viewer') as Principal;
    const nobody = principals.find((principal) => principal.anonymous) as Principal;
    const attempts: [method: string, path: string, body?: string][] = [
      ['POST', '/api/v1/suppliers', '{"name": '],
      ['POST', '/api/v1/suppliers', 'name=Acme'],
      ['PATCH', '/api/v1/suppliers/not-an-id', '{}'],
      ['DELETE', '/api/v1/api-keys/not-an-id'],
    ];
    const statuses = await Promise.all(
      attempts.flatMap(([method, path, body]) =>
        [viewer, nobody].map(async (principal) => {
          const headers = {
            ...principal.headers,
            ...(body ? { 'content-type': body.startsWith('{') ? 'application/json' : 'application/x-www-form-urlencoded' } : {}),
          };
          return `${principal.name} ${method} ${path} ${body ?? ''}: ${(await gateway(path, { method, headers, body })).status}`;
        }),
      ),
    );
    expect(statuses).toEqual(
      attempts.flatMap(([method, path, body]) => [`viewer ${method} ${path} ${body ?? ''}: 403`, `no credentials ${method} ${path} ${body ?? ''}: 401`]),
    );
    // Someone who may call the route still learns what was wrong with the body.
    const assessor = principals.find((principal) => principal.name === 'assessor') as Principal;
    const malformed = await gateway('/api/v1/suppliers', {
      method: 'POST',
      headers: { ...assessor.headers, 'content-type': 'application/json' },
      body: '{"name": ',
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body.detail).toMatch(/JSON/);
  });
});

/**
 * Problems with one GraphQL answer. Refused: FORBIDDEN (UNAUTHENTICATED without credentials) and no
 * value at `path`. Allowed: no refusal anywhere and, for a mutation, nothing done.
 */
function judgeGraphql(
  label: string,
  principal: Principal,
  allowed: boolean,
  response: { status: number; body: any },
  path: string[],
  mutation = false,
): string[] {
  const errors = (response.body?.errors ?? []) as { message: string; extensions?: { code?: string } }[];
  const codes = errors.map((error) => error.extensions?.code ?? error.message);
  const value = path.reduce<any>((data, key) => data?.[key], response.body?.data);
  if (allowed) {
    if (
      response.status === 401 ||
      response.status === 403 ||
      response.status >= 500 ||
      codes.some((code) => code === 'FORBIDDEN' || code === 'UNAUTHENTICATED')
    ) {
      return [`${label}: refused (${response.status} ${codes.join(', ')})`];
    }
    if (mutation && value) return [`${label}: a probe must not change anything (${JSON.stringify(value)})`];
    return [];
  }
  const code = principal.anonymous ? 'UNAUTHENTICATED' : 'FORBIDDEN';
  if (!codes.includes(code) && response.status !== (principal.anonymous ? 401 : 403))
    return [`${label}: expected ${code}, got ${response.status} ${codes.join(', ') || 'no error'}`];
  if (value !== undefined && value !== null) return [`${label}: refused but answered ${JSON.stringify(value)}`];
  return [];
}
