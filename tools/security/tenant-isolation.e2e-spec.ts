import { bearer, gateway, subgraphRequest } from '@assay/shared/testing';
import type { ServiceName } from '@assay/shared/contracts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ConstDirectiveNode,
  GraphQLArgument,
  GraphQLEnumType,
  GraphQLField,
  GraphQLInputType,
  GraphQLNamedType,
  GraphQLObjectType,
  GraphQLOutputType,
  GraphQLSchema,
  Kind,
  buildSchema,
  getNamedType,
  isInputObjectType,
  isLeafType,
  isNonNullType,
  isObjectType,
} from 'graphql';
import { Principal, World, inParallel, isolationFixture, leakedMarkers, settledTenantRows } from './isolation-fixture';

/**
 * The tenant-isolation matrix. Tenant A has one of every resource a route or field takes an id of;
 * tenant B's owner, admin, assessor, viewer, API key (every scope) and portal token call every
 * id-taking REST operation of the merged OpenAPI document and every id-taking GraphQL field and
 * entity lookup of the supergraph with A's ids. They get 404 (403 only where the principal lacks the
 * permission anyway), null or a not-found/forbidden error, never A's data, never a 5xx; and none of
 * A's rows in any schema changes. The same requests on B's own resources succeed, so a refusal
 * proves isolation rather than a malformed request.
 */

const DIST = join(__dirname, '..', '..', 'dist');
const CONCURRENCY = 8;
const METHODS = ['get', 'put', 'post', 'patch', 'delete'] as const;

// ---------------------------------------------------------------------------------------------
// REST: what each path parameter names, by the segment before it. A parameter missing here fails
// the matrix, so a new route cannot escape it.

const TENANT_PARAMETERS: Record<string, (world: World) => string> = {
  'suppliers/{id}': (w) => w.supplier,
  'contacts/{contactId}': (w) => w.contact,
  'products/{productId}': (w) => w.product,
  'assessments/{id}': (w) => w.sent,
  'portal-links/{linkId}': (w) => w.portalLink,
  'extension-requests/{requestId}': (w) => w.extensionRequest,
  'findings/{id}': (w) => w.finding,
  'evidence/{id}': (w) => w.evidence,
  'advisories/{id}': (w) => w.advisory,
  'imports/{id}': (w) => w.advisoryImport,
  'inquiries/{id}': (w) => w.inquiry,
  'vex/{evidenceId}': (w) => w.inquiryVexUpload,
  'webhook-endpoints/{id}': (w) => w.webhookEndpoint,
  'webhook-deliveries/{id}': (w) => w.webhookDelivery,
  'signing-keys/{id}': (w) => w.signingKey,
  'advisory-feeds/{id}': (w) => w.advisoryFeed,
  'notifications/{id}': (w) => w.notification,
  'api-keys/{id}': (w) => w.apiKey,
  'members/{userId}': (w) => w.member,
  'invitations/{id}': (w) => w.invitation,
};

/** Parameters that name something global (the catalogue), not a tenant's resource. */
const GLOBAL_PARAMETERS: Record<string, (world: World) => string> = {
  'frameworks/{key}': () => 'uk-sscop',
  'responses/{claimId}': (w) => w.claim,
  'principles/{principleId}': (w) => w.claim.split('.').slice(0, 2).join('.'),
};

/** Query parameters that take a tenant's id. */
const ID_QUERY_PARAMETERS: Record<string, (world: World) => string> = {
  supplierId: (w) => w.supplier,
  assessmentId: (w) => w.sent,
  ids: (w) => w.evidence,
  advisoryId: (w) => w.advisory,
};

interface RestOperation {
  /** Which assessment of the world the `{id}` of an assessment route names (each route needs a state). */
  assessment?: 'draft' | 'cancellable' | 'submitted' | 'returnable';
  /** A minimal valid body, from the world the request addresses. */
  body?: (world: World) => unknown;
  /** The body names a tenant's resource (routes without a path parameter are in the matrix for this). */
  idsInBody?: true;
  /** Order of the positive controls on B's own world: reads, changes, completion, removals, offboarding (default by method). */
  phase?: number;
}

const inMonth = () => new Date(Date.now() + 30 * 86_400_000).toISOString();

const REST_OPERATIONS: Record<string, RestOperation> = {
  'POST /api/v1/auth/switch-tenant': { idsInBody: true, body: (w) => ({ tenantId: w.tenantId }) },
  'POST /api/v1/assessments': { idsInBody: true, body: (w) => ({ supplierId: w.supplier, productId: w.product, dueAt: inMonth() }) },
  'POST /api/v1/evidence': { idsInBody: true, body: (w) => ({ supplierId: w.supplier, url: 'https://supplier.example/.well-known/security.txt' }) },
  'PATCH /api/v1/suppliers/{id}': { body: () => ({ tags: ['matrix'] }) },
  'PATCH /api/v1/evidence/{id}': { body: () => ({ title: 'Matrix title', validUntil: inMonth() }) },
  'DELETE /api/v1/suppliers/{id}': { phase: 5 },
  'POST /api/v1/suppliers/{id}/contacts': { body: () => ({ name: 'Matrix Contact', email: 'matrix-contact@supplier.test' }) },
  'PATCH /api/v1/suppliers/{id}/contacts/{contactId}': { body: () => ({ name: 'Pat Renamed' }) },
  // Removing the contact withdraws its portal link: after the link's own removal.
  'DELETE /api/v1/suppliers/{id}/contacts/{contactId}': { phase: 4 },
  'POST /api/v1/suppliers/{id}/products': { body: () => ({ name: 'Matrix Product', deliveryModel: 'on_premises' }) },
  'PATCH /api/v1/suppliers/{id}/products/{productId}': { body: () => ({ name: 'Renamed Product' }) },
  'POST /api/v1/assessments/{id}/send': { assessment: 'draft', body: () => ({}) },
  'POST /api/v1/assessments/{id}/cancel': { assessment: 'cancellable', body: () => ({}) },
  'POST /api/v1/assessments/{id}/review': { assessment: 'submitted', body: (w) => ({ decisions: [{ claimId: w.claim, verdict: 'accepted' }] }) },
  'POST /api/v1/assessments/{id}/complete': { assessment: 'submitted', body: () => ({ conclusion: 'Assured' }), phase: 2 },
  'POST /api/v1/assessments/{id}/return': { assessment: 'returnable', body: () => ({ message: 'Please say more about 3.1' }) },
  'PATCH /api/v1/assessments/{id}': { body: () => ({ dueAt: new Date(Date.now() + 45 * 86_400_000).toISOString(), reason: 'Matrix move' }) },
  'POST /api/v1/assessments/{id}/extension-requests/{requestId}/decision': { body: () => ({ approve: false, comment: 'Not this time' }) },
  'POST /api/v1/assessments/{id}/portal-links': { body: (w) => ({ contactId: w.sroContact }) },
  'POST /api/v1/assessments/{id}/findings': { body: (w) => ({ claimId: w.claim, severity: 'low', title: 'Matrix finding' }) },
  'PATCH /api/v1/findings/{id}': { body: () => ({ status: 'in_remediation' }) },
  'PATCH /api/v1/portal/findings/{id}': { body: () => ({ remediationPlan: 'Fixed in the next release', agreed: true }) },
  // On B's own world the supplier was asked already: answered with no new inquiry, a success.
  'POST /api/v1/advisories/{id}/inquiries': { body: () => ({ dueAt: inMonth() }) },
  'PUT /api/v1/portal/assessment/responses/{claimId}': { body: () => ({ answer: 'met' }) },
  'PATCH /api/v1/webhook-endpoints/{id}': { body: () => ({ description: 'Renamed endpoint' }) },
  'PATCH /api/v1/members/{userId}': { body: () => ({ role: 'assessor' }) },
};

interface RestCase {
  key: string;
  method: string;
  path: string;
  global: boolean;
  portal: boolean;
  phase: number;
  /** The request addressing a world's resources. */
  request(world: World): { path: string; body?: unknown };
  /** Path parameters nothing maps (the matrix fails on any). */
  unmapped: string[];
}

function restCase(method: string, path: string): RestCase {
  const key = `${method} ${path}`;
  const operation = REST_OPERATIONS[key] ?? {};
  const segments = path.split('/');
  const unmapped: string[] = [];
  let global = !operation.idsInBody;
  const resolvers = segments.map((segment, index) => {
    if (!segment.startsWith('{')) return () => segment;
    const named = `${segments[index - 1]}/${segment}`;
    if (named === 'assessments/{id}' && operation.assessment) {
      global = false;
      const state = operation.assessment;
      return (w: World) => w[state];
    }
    const tenant = TENANT_PARAMETERS[named];
    if (tenant) global = false;
    const resolve = tenant ?? GLOBAL_PARAMETERS[named];
    if (!resolve) unmapped.push(named);
    return resolve ?? (() => segment);
  });
  const hasBody = method !== 'GET' && method !== 'DELETE';
  const phase = operation.phase ?? (method === 'GET' ? 0 : method === 'DELETE' ? 3 : 1);
  return {
    key,
    method,
    path,
    global,
    portal: path.startsWith('/api/v1/portal/'),
    phase,
    unmapped,
    request: (world) => ({
      path: resolvers.map((resolve) => resolve(world)).join('/'),
      ...(hasBody ? { body: operation.body ? operation.body(world) : {} } : {}),
    }),
  };
}

interface OpenApiOperation {
  parameters?: { name: string; in: string }[];
}

/** The operations of the merged OpenAPI document: with path parameters (or ids in the body), with id query parameters, and plain listings. */
function restOperations(document: { paths: Record<string, Partial<Record<(typeof METHODS)[number], OpenApiOperation>>> }) {
  const withIds: RestCase[] = [];
  const byQuery: { key: string; path: string; names: string[]; unmapped: string[] }[] = [];
  const listings: string[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    if (!path.startsWith('/api/v1/')) continue;
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      if (path.includes('{') || REST_OPERATIONS[`${method.toUpperCase()} ${path}`]?.idsInBody) {
        withIds.push(restCase(method.toUpperCase(), path));
        continue;
      }
      if (method !== 'get') continue;
      const idQuery = (operation.parameters ?? []).filter((p) => p.in === 'query' && /(Id|Ids|^ids)$/.test(p.name)).map((p) => p.name);
      if (idQuery.length) byQuery.push({ key: `GET ${path}`, path, names: idQuery, unmapped: idQuery.filter((name) => !ID_QUERY_PARAMETERS[name]) });
      else listings.push(path);
    }
  }
  return { withIds, byQuery, listings };
}

// ---------------------------------------------------------------------------------------------
// GraphQL: the arguments of every id-taking field (and every field needing arguments), from a world.

interface GraphqlField {
  args: (world: World) => Record<string, unknown>;
  phase?: number;
  /** A's id stands in an input field that is validated: refused as a bad request (naming a user of A as a supplier's owner). */
  invalidField?: true;
}

const GRAPHQL_FIELDS: Record<string, GraphqlField> = {
  'Query.framework': { args: () => ({ key: 'uk-sscop' }) },
  'Query.supplier': { args: (w) => ({ id: w.supplier }) },
  'Query.assessment': { args: (w) => ({ id: w.sent }) },
  'Query.assessments': { args: (w) => ({ filter: { supplierId: w.supplier } }) },
  'Query.evidence': { args: (w) => ({ id: w.evidence }) },
  'Query.evidenceList': { args: (w) => ({ filter: { supplierId: w.supplier } }) },
  'Query.componentExposure': { args: (w) => ({ purl: w.componentPurl }) },
  'Query.advisory': { args: (w) => ({ id: w.advisory }) },
  'Query.inquiries': { args: (w) => ({ filter: { advisoryId: w.advisory } }) },
  'Mutation.createInquiries': { args: (w) => ({ advisoryId: w.advisory, input: { dueAt: inMonth() } }) },
  'Mutation.updateEvidence': { args: (w) => ({ id: w.evidence, input: { title: 'Graph title' } }) },
  'Query.webhookEndpoint': { args: (w) => ({ id: w.webhookEndpoint }) },
  'Query.webhookDeliveries': { args: (w) => ({ endpointId: w.webhookEndpoint }) },
  'Mutation.createSupplier': {
    args: (w) => ({ input: { name: 'Matrix Supplier', tier: 'low', role: 'reseller', ownerUserId: w.ownerUserId } }),
    invalidField: true,
  },
  'Mutation.updateSupplier': { args: (w) => ({ id: w.supplier, input: { tags: ['graphql'] } }) },
  'Mutation.addSupplierContact': { args: (w) => ({ supplierId: w.supplier, input: { name: 'Graph Contact', email: 'graph-contact@supplier.test' } }) },
  'Mutation.addProduct': { args: (w) => ({ supplierId: w.supplier, input: { name: 'Graph Product', deliveryModel: 'saas' } }) },
  'Mutation.createAssessment': { args: (w) => ({ input: { supplierId: w.supplier, productId: w.product, dueAt: inMonth() } }) },
  'Mutation.sendAssessment': { args: (w) => ({ id: w.draft, input: { contactIds: [w.sroContact] } }) },
  'Mutation.reviewAssessment': { args: (w) => ({ id: w.submitted, input: { decisions: [{ claimId: w.claim, verdict: 'accepted' }] } }) },
  'Mutation.returnAssessment': { args: (w) => ({ id: w.returnable, input: { message: 'Please say more' } }) },
  'Mutation.completeAssessment': { args: (w) => ({ id: w.submitted, input: { conclusion: 'Assured' } }), phase: 2 },
  'Mutation.moveAssessmentDueDate': { args: (w) => ({ id: w.sent, input: { dueAt: new Date(Date.now() + 45 * 86_400_000).toISOString(), reason: 'Matrix' } }) },
  'Mutation.decideExtensionRequest': { args: (w) => ({ assessmentId: w.sent, requestId: w.extensionRequest, input: { approve: false } }) },
  'Mutation.createFinding': { args: (w) => ({ assessmentId: w.sent, input: { claimId: w.claim, severity: 'low', title: 'Graph finding' } }) },
  'Mutation.updateFinding': { args: (w) => ({ id: w.finding, input: { status: 'in_remediation' } }) },
  'Mutation.updateWebhookEndpoint': { args: (w) => ({ id: w.webhookEndpoint, input: { description: 'Renamed endpoint' } }) },
  'Mutation.deleteWebhookEndpoint': { args: (w) => ({ id: w.webhookEndpoint }), phase: 3 },
  'Mutation.rotateWebhookSecret': { args: (w) => ({ id: w.webhookEndpoint }) },
  'Mutation.testWebhookEndpoint': { args: (w) => ({ id: w.webhookEndpoint }) },
  'Mutation.redeliverWebhookDelivery': { args: (w) => ({ id: w.webhookDelivery }) },
  'Mutation.markNotificationRead': { args: (w) => ({ id: w.notification }) },
  'Mutation.changeMemberRole': { args: (w) => ({ userId: w.member, role: 'assessor' }) },
  'Mutation.removeMember': { args: (w) => ({ userId: w.member }), phase: 3 },
  'Mutation.revokeInvitation': { args: (w) => ({ id: w.invitation }), phase: 3 },
  'Mutation.revokeApiKey': { args: (w) => ({ id: w.apiKey }), phase: 3 },
};

/** Which entity (by type) each `_entities` lookup names in a world. */
const ENTITY_IDS: Record<string, (world: World) => string> = {
  Supplier: (w) => w.supplier,
  Assessment: (w) => w.sent,
};

function takesIds(type: GraphQLInputType, seen = new Set<string>()): boolean {
  const named = getNamedType(type);
  if (named.name === 'ID') return true;
  if (!isInputObjectType(named) || seen.has(named.name)) return false;
  seen.add(named.name);
  return Object.values(named.getFields()).some((field) => takesIds(field.type, seen));
}

/** Every scalar of a type and of the objects under it, `depth` object levels deep (arguments left to defaults). */
function selection(type: GraphQLOutputType, depth: number): string {
  const named = getNamedType(type);
  if (isLeafType(named)) return '';
  if (!isObjectType(named) || depth === 0) return '{ __typename }';
  const parts = Object.values(named.getFields())
    .filter((field) => field.args.every((arg) => !isNonNullType(arg.type)))
    .map((field) => {
      const child = getNamedType(field.type);
      if (isLeafType(child)) return field.name;
      return depth > 1 && isObjectType(child) ? `${field.name} ${selection(field.type, depth - 1)}` : null;
    })
    .filter((part): part is string => part !== null);
  return `{ __typename ${parts.join(' ')} }`;
}

interface GraphqlCase {
  key: string;
  field: string;
  mutation: boolean;
  /** Takes an id (directly or in an input): A's must come back empty. */
  idTaking: boolean;
  phase: number;
  invalidField: boolean;
  unmapped: boolean;
  operation(world: World): { query: string; variables: Record<string, unknown> };
}

function graphqlCase(root: 'Query' | 'Mutation', field: GraphQLField<unknown, unknown>): GraphqlCase {
  const key = `${root}.${field.name}`;
  const mapping = GRAPHQL_FIELDS[key];
  const given = (world: World) => (mapping ? mapping.args(world) : {});
  return {
    key,
    field: field.name,
    mutation: root === 'Mutation',
    idTaking: field.args.some((arg) => takesIds(arg.type)),
    phase: mapping?.phase ?? (root === 'Query' ? 0 : 1),
    invalidField: mapping?.invalidField ?? false,
    unmapped: !mapping && field.args.some((arg) => isNonNullType(arg.type) || takesIds(arg.type)),
    operation: (world) => {
      const variables = given(world);
      const args = field.args.filter((arg: GraphQLArgument) => arg.name in variables);
      const definitions = args.map((arg) => `$${arg.name}: ${String(arg.type)}`).join(', ');
      const passed = args.map((arg) => `${arg.name}: $${arg.name}`).join(', ');
      const query = `${root === 'Query' ? 'query' : 'mutation'} Matrix${definitions ? `(${definitions})` : ''} { ${field.name}${passed ? `(${passed})` : ''} ${selection(field.type, 3)} }`;
      return { query, variables };
    },
  };
}

/** The supergraph's Query fields, and its Mutation fields that take an id (directly or inside an input). */
function graphqlCases(schema: GraphQLSchema): GraphqlCase[] {
  const query = Object.values((schema.getQueryType() as GraphQLObjectType).getFields()).map((field) => graphqlCase('Query', field));
  const mutation = Object.values((schema.getMutationType() as GraphQLObjectType).getFields())
    .filter((field) => field.args.some((arg) => takesIds(arg.type)))
    .map((field) => graphqlCase('Mutation', field));
  return [...query, ...mutation];
}

/** Each entity type with the subgraphs that resolve it (`@join__type(graph:, key:)`), graph names as services call them. */
function entityLookups(schema: GraphQLSchema): { type: string; service: ServiceName }[] {
  const argument = (node: ConstDirectiveNode, name: string) => {
    const value = node.arguments?.find((a) => a.name.value === name)?.value;
    return value && (value.kind === Kind.STRING || value.kind === Kind.ENUM) ? value.value : undefined;
  };
  const graphs = new Map<string, string | undefined>();
  for (const value of (schema.getType('join__Graph') as GraphQLEnumType).getValues()) {
    const directive = value.astNode?.directives?.find((d) => d.name.value === 'join__graph');
    graphs.set(value.name, directive && argument(directive, 'name'));
  }
  const lookups: { type: string; service: ServiceName }[] = [];
  for (const type of Object.values(schema.getTypeMap()) as GraphQLNamedType[]) {
    if (!isObjectType(type)) continue;
    for (const directive of type.astNode?.directives ?? []) {
      if (directive.name.value !== 'join__type' || !argument(directive, 'key')) continue;
      lookups.push({ type: type.name, service: graphs.get(argument(directive, 'graph') as string) as ServiceName });
    }
  }
  return lookups;
}

/** Null, an empty list or an empty connection: nothing of anyone's. */
function empty(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object' && 'edges' in (value as object)) return ((value as { edges: unknown[] }).edges ?? []).length === 0;
  return false;
}

interface GraphqlError {
  message: string;
  extensions?: { code?: string };
}

/** A refusal is a not-found or forbidden error; anything else (a conflict, bad input, an internal error) is not. */
const refusal = (error: GraphqlError) => error.extensions?.code === 'NOT_FOUND' || error.extensions?.code === 'FORBIDDEN';

/** Refused for want of a permission: by the gateway (403) or with nothing but FORBIDDEN errors. */
function forbidden(answer: { status: number; body: any }): boolean {
  const errors: GraphqlError[] = answer.body?.errors ?? [];
  return answer.status === 403 || (errors.length > 0 && errors.every((error) => error.extensions?.code === 'FORBIDDEN'));
}

// ---------------------------------------------------------------------------------------------

describe('tenant isolation matrix: tenant B’s every principal against tenant A’s every id', () => {
  const fixture = isolationFixture();
  const supergraph = buildSchema(readFileSync(join(DIST, 'supergraph.graphql'), 'utf8'), { assumeValidSDL: true });
  const subgraphSchemas = new Map<string, GraphQLSchema>();
  const subgraphSchema = (service: string) => {
    if (!subgraphSchemas.has(service))
      subgraphSchemas.set(service, buildSchema(readFileSync(join(DIST, 'subgraphs', `${service}.graphql`), 'utf8'), { assumeValidSDL: true }));
    return subgraphSchemas.get(service) as GraphQLSchema;
  };
  let rest: ReturnType<typeof restOperations>;
  const forbiddenToConfirm: { principal: Principal; operation: RestCase }[] = [];
  const graphqlForbiddenToConfirm: { principal: Principal; c: GraphqlCase }[] = [];

  const owner = () => fixture.principals.find((p) => p.name === 'owner') as Principal;
  const portal = () => fixture.principals.find((p) => p.name === 'portal token') as Principal;
  /** The portal principal whose link reaches a portal route: the inquiry link for the inquiry's routes, else the assessment link. */
  const portalFor = (path: string) =>
    path.startsWith('/api/v1/portal/inquiry') ? (fixture.principals.find((p) => p.name === 'inquiry link') as Principal) : portal();
  const call = (principal: Principal, method: string, path: string, body?: unknown) =>
    gateway(path, { method, headers: bearer(principal.token), ...(body === undefined ? {} : { json: body }) });
  const asText = (request: unknown) => JSON.stringify(request);

  beforeAll(async () => {
    const document = await gateway('/api/v1/openapi.json');
    expect(document.status).toBe(200);
    rest = restOperations(document.body);
  });

  it('covers every id-taking route, query parameter, GraphQL field and entity type', () => {
    expect(rest.withIds.filter((operation) => operation.unmapped.length).map((operation) => `${operation.key}: ${operation.unmapped.join(', ')}`)).toEqual([]);
    expect(rest.byQuery.filter((operation) => operation.unmapped.length).map((operation) => `${operation.key}: ${operation.unmapped.join(', ')}`)).toEqual([]);
    expect(
      graphqlCases(supergraph)
        .filter((c) => c.unmapped)
        .map((c) => c.key),
    ).toEqual([]);
    expect(
      entityLookups(supergraph)
        .filter((lookup) => !ENTITY_IDS[lookup.type])
        .map((lookup) => lookup.type),
    ).toEqual([]);
    // Keys of the tables that no longer name anything are stale: the matrix must stay in step with the API.
    const operations = new Set(rest.withIds.map((operation) => operation.key));
    expect(Object.keys(REST_OPERATIONS).filter((key) => !operations.has(key))).toEqual([]);
    const fields = new Set(graphqlCases(supergraph).map((c) => c.key));
    expect(Object.keys(GRAPHQL_FIELDS).filter((key) => !fields.has(key))).toEqual([]);
    // A's world really has something everywhere the snapshot looks.
    expect(fixture.tablesWithTenantRows).toBeGreaterThan(20);
  });

  it('REST: every operation with a path parameter answers B 404 for A’s ids (403 where B lacks the permission anyway), and shows nothing of A', async () => {
    const cases = rest.withIds.flatMap((operation) => fixture.principals.map((principal) => ({ operation, principal })));
    const failures: string[] = [];
    await inParallel(cases, CONCURRENCY, async ({ operation, principal }) => {
      const request = operation.request(fixture.victimWorld);
      const answer = await call(principal, operation.method, request.path, request.body);
      const label = `${principal.name}: ${operation.method} ${request.path} → ${answer.status}`;
      const leaked = leakedMarkers(fixture.markers, answer.body, asText(request));
      if (leaked.length) failures.push(`${label} shows A's ${leaked.join(', ')}`);
      if (answer.status >= 500) failures.push(`${label} (server error)`);
      if (operation.global) return;
      if (answer.status === 403) forbiddenToConfirm.push({ principal, operation });
      else if (answer.status !== 404) failures.push(`${label}: ${JSON.stringify(answer.body).slice(0, 200)}`);
    });
    expect(failures).toEqual([]);
    expect(cases.length).toBeGreaterThanOrEqual(40 * fixture.principals.length);
  });

  it('REST: id query parameters and every listing show B nothing of A', async () => {
    const cases = [
      ...rest.byQuery.map((operation) => ({
        path: `${operation.path}?${operation.names.map((name) => `${name}=${(ID_QUERY_PARAMETERS[name] as (w: World) => string)(fixture.victimWorld)}`).join('&')}`,
      })),
      ...rest.listings.map((path) => ({ path })),
    ].flatMap((request) => fixture.principals.map((principal) => ({ request, principal })));
    const failures: string[] = [];
    await inParallel(cases, CONCURRENCY, async ({ request, principal }) => {
      const answer = await call(principal, 'GET', request.path);
      const label = `${principal.name}: GET ${request.path} → ${answer.status}`;
      const leaked = leakedMarkers(fixture.markers, answer.body, request.path);
      if (leaked.length) failures.push(`${label} shows A's ${leaked.join(', ')}`);
      if (answer.status >= 500) failures.push(`${label} (server error)`);
    });
    expect(failures).toEqual([]);
    expect(rest.byQuery.length).toBeGreaterThan(0);
  });

  it('GraphQL: every Query field and every id-taking mutation through the gateway answers B null or a refusal for A’s ids, never A’s data', async () => {
    const cases = graphqlCases(supergraph).flatMap((c) => fixture.principals.map((principal) => ({ c, principal })));
    const failures: string[] = [];
    await inParallel(cases, CONCURRENCY, async ({ c, principal }) => {
      const operation = c.operation(fixture.victimWorld);
      const answer = await gateway('/graphql', { method: 'POST', json: operation, headers: bearer(principal.token) });
      const label = `${principal.name}: ${c.key} ${JSON.stringify(operation.variables)} → ${answer.status}`;
      const leaked = leakedMarkers(fixture.markers, answer.body, asText(operation.variables));
      if (leaked.length) failures.push(`${label} shows A's ${leaked.join(', ')}`);
      if (answer.status >= 500) {
        failures.push(`${label} (server error)`);
        return;
      }
      const errors: GraphqlError[] = answer.body?.errors ?? [];
      const bad = errors.filter((error) => !refusal(error) && !(c.invalidField && error.extensions?.code === 'BAD_REQUEST'));
      if (bad.length) failures.push(`${label}: ${JSON.stringify(bad).slice(0, 300)}`);
      if (!c.idTaking) return;
      if (forbidden(answer)) graphqlForbiddenToConfirm.push({ principal, c });
      const value = answer.body?.data?.[c.field];
      if (!empty(value)) failures.push(`${label}: answered ${JSON.stringify(value).slice(0, 200)}`);
      if (c.mutation && answer.status === 200 && errors.length === 0) failures.push(`${label}: a mutation of A's id was not refused`);
    });
    expect(failures).toEqual([]);
  });

  it('GraphQL: `_entities` for every entity type, sent to each subgraph that resolves it with B’s identity, is null or holds nothing', async () => {
    const lookups = entityLookups(supergraph);
    const cases = lookups.flatMap((lookup) => fixture.principals.map((principal) => ({ lookup, principal })));
    const failures: string[] = [];
    await inParallel(cases, CONCURRENCY, async ({ lookup, principal }) => {
      const type = subgraphSchema(lookup.service).getType(lookup.type) as GraphQLObjectType;
      const query = `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on ${lookup.type} ${selection(type, 2)} } }`;
      const representations = [{ __typename: lookup.type, id: (ENTITY_IDS[lookup.type] as (w: World) => string)(fixture.victimWorld) }];
      const answer = await subgraphRequest(lookup.service, principal.identity, query, { representations });
      const label = `${principal.name}: ${lookup.service} _entities ${lookup.type} → ${answer.status}`;
      const leaked = leakedMarkers(fixture.markers, answer.body, asText(representations));
      if (leaked.length) failures.push(`${label} shows A's ${leaked.join(', ')}`);
      if (answer.status >= 500) {
        failures.push(`${label} (server error)`);
        return;
      }
      const bad = ((answer.body?.errors ?? []) as GraphqlError[]).filter((error) => !refusal(error));
      if (bad.length) failures.push(`${label}: ${JSON.stringify(bad).slice(0, 300)}`);
      const entity = answer.body?.data?._entities?.[0] as Record<string, unknown> | null | undefined;
      const held = Object.entries(entity ?? {}).filter(([name, value]) => name !== '__typename' && name !== 'id' && !empty(value));
      if (held.length) failures.push(`${label}: holds ${JSON.stringify(Object.fromEntries(held)).slice(0, 200)}`);
    });
    expect(failures).toEqual([]);
    expect(lookups.length).toBeGreaterThanOrEqual(2);
  });

  it('nothing of A changed: every row of every tenant table, and A’s own view', async () => {
    const after = await settledTenantRows(fixture.owner, fixture.victim.tenantId);
    expect(after).toEqual(fixture.before);
    const world = fixture.victimWorld;
    const supplier = await fixture.victim.call('GET', `/api/v1/suppliers/${world.supplier}`);
    expect(supplier).toMatchObject({ id: world.supplier, name: world.supplierName, status: 'active' });
    const listed = await fixture.victim.call('GET', `/api/v1/assessments?supplierId=${world.supplier}`);
    expect(listed.data.map((a: { id: string; status: string }) => [a.id, a.status]).sort()).toEqual(
      [
        [world.draft, 'draft'],
        [world.cancellable, 'draft'],
        [world.sent, 'sent'],
        [world.submitted, 'submitted'],
        [world.returnable, 'submitted'],
      ].sort(),
    );
    expect((await fixture.victim.call('GET', `/api/v1/webhook-endpoints/${world.webhookEndpoint}`)).description).not.toBe('Renamed endpoint');
    expect((await gateway('/api/v1/portal/assessment', { headers: bearer(world.portalToken) })).status).toBe(200);
  });

  it('a 403 or FORBIDDEN was only ever a principal lacking the permission: it is refused on B’s own resources too', async () => {
    const failures: string[] = [];
    await inParallel(forbiddenToConfirm, CONCURRENCY, async ({ principal, operation }) => {
      const request = operation.request(fixture.restWorld);
      const answer = await call(principal, operation.method, request.path, request.body);
      if (answer.status !== 403) failures.push(`${principal.name}: ${operation.method} ${request.path} → ${answer.status} on B's own, 403 on A's`);
    });
    await inParallel(graphqlForbiddenToConfirm, CONCURRENCY, async ({ principal, c }) => {
      const answer = await gateway('/graphql', { method: 'POST', json: c.operation(fixture.graphqlWorld), headers: bearer(principal.token) });
      if (!forbidden(answer))
        failures.push(`${principal.name}: ${c.key} → ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)} on B's own, FORBIDDEN on A's`);
    });
    expect(failures).toEqual([]);
    expect(forbiddenToConfirm.length + graphqlForbiddenToConfirm.length).toBeGreaterThan(0);
  });

  it('positive control, REST: the same requests by B on B’s own resources succeed', async () => {
    const failures: string[] = [];
    const operations = [...rest.withIds].sort((x, y) => x.phase - y.phase);
    // One at a time, in phases: several routes change the state the next one needs.
    for (const operation of operations) {
      const principal = operation.portal ? portalFor(operation.path) : owner();
      const request = operation.request(fixture.restWorld);
      const answer = await call(principal, operation.method, request.path, request.body);
      if (answer.status < 200 || answer.status > 299)
        failures.push(`${principal.name}: ${operation.method} ${request.path} → ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`);
    }
    expect(failures).toEqual([]);
  });

  it('positive control, GraphQL: the same operations by B on B’s own resources answer data without errors', async () => {
    const failures: string[] = [];
    const cases = graphqlCases(supergraph).sort((x, y) => x.phase - y.phase);
    for (const c of cases) {
      const operation = c.operation(fixture.graphqlWorld);
      const answer = await gateway('/graphql', { method: 'POST', json: operation, headers: bearer(owner().token) });
      const value = answer.body?.data?.[c.field];
      if (answer.status !== 200 || answer.body?.errors || value === null || value === undefined)
        failures.push(`${c.key} → ${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`);
    }
    for (const lookup of entityLookups(supergraph)) {
      const type = subgraphSchema(lookup.service).getType(lookup.type) as GraphQLObjectType;
      const query = `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on ${lookup.type} ${selection(type, 2)} } }`;
      const representations = [{ __typename: lookup.type, id: (ENTITY_IDS[lookup.type] as (w: World) => string)(fixture.restWorld) }];
      const answer = await subgraphRequest(lookup.service, owner().identity, query, { representations });
      const entity = answer.body?.data?._entities?.[0] as Record<string, unknown> | null | undefined;
      const held = Object.entries(entity ?? {}).filter(([name, value]) => name !== '__typename' && name !== 'id' && !empty(value));
      if (answer.body?.errors || held.length === 0) failures.push(`${lookup.service} _entities ${lookup.type} → ${JSON.stringify(answer.body).slice(0, 300)}`);
    }
    expect(failures).toEqual([]);
  });
});
