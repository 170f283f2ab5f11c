import { AssayClient, createAssayClient } from '@assay/shared/api-client';
import { CredentialLinkSealer, INTERNAL_IDENTITY_HEADER, IdentityTokenIssuer } from '@assay/shared/auth';
import { AppConfig, loadConfig, ProcessName } from '@assay/shared/config';
import type { Identity, ServiceName } from '@assay/shared/contracts';
import { TenantDatabase, createRuntimeDataSource } from '@assay/shared/database';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { recordResponse } from './response-conformance';
import { testStack } from './test-stack';

/** The validated config a process of the test stack runs with. */
export function stackConfig(processName: ProcessName): AppConfig {
  return loadConfig(processName, { ...process.env, ...testStack().env, NODE_ENV: 'test' });
}

/**
 * The token inside a credential link as an event carries it (sealed by the service that minted it,
 * as the stack's notifications service would open it to send the email).
 */
export function linkToken(tenantId: string, link: string): string {
  const opened = new CredentialLinkSealer(stackConfig('notifications').dataEncryptionKey).openLink(tenantId, link);
  return new URL(opened).searchParams.get('token') as string;
}

/** A connection as the schema owner (migrations' role): sees everything, for set-up and assertions. */
export async function ownerDataSource(): Promise<DataSource> {
  const dataSource = new DataSource({ type: 'postgres', url: testStack().env['DATABASE_MIGRATION_URL'] as string, applicationName: 'assay-test-owner' });
  return dataSource.initialize();
}

/** The schema owner's connection for the calling test file: opened before its tests, closed after them. */
export function ownerDataSourceForFile(): DataSource {
  const dataSource = new DataSource({ type: 'postgres', url: testStack().env['DATABASE_MIGRATION_URL'] as string, applicationName: 'assay-test-owner' });
  beforeAll(() => dataSource.initialize());
  afterAll(() => dataSource.destroy());
  return dataSource;
}

/** A runtime connection as the confined app role, exactly as services connect. */
export async function appDatabase(options: { poolSize?: number } = {}): Promise<{ dataSource: DataSource; database: TenantDatabase }> {
  const config = stackConfig('assessments');
  const dataSource = await createRuntimeDataSource(config.database, { name: 'test', poolSize: options.poolSize ?? 4 }).initialize();
  return { dataSource, database: new TenantDatabase(dataSource, config.database.systemRole) };
}

/** fetch against the test gateway, JSON in and out. */
export async function gateway(path: string, init: RequestInit & { json?: unknown } = {}): Promise<{ status: number; headers: Headers; body: any }> {
  const headers = new Headers(init.headers);
  if (init.json !== undefined) headers.set('content-type', 'application/json');
  const response = await fetch(`${testStack().gatewayUrl}${path}`, { ...init, headers, body: init.json !== undefined ? JSON.stringify(init.json) : init.body });
  const { text, body } = await readBody(response);
  // Checked against the OpenAPI document when the run ends (see response-conformance.ts).
  recordResponse(init.method ?? 'GET', path, response.status, response.headers.get('content-type'), text, body);
  return { status: response.status, headers: response.headers, body };
}

async function readBody(response: Response): Promise<{ text: string; body: unknown }> {
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON
  }
  return { text, body };
}

/** Status, headers and the body parsed as JSON when it is JSON. */
export async function readResponse(response: Response): Promise<{ status: number; headers: Headers; body: any }> {
  const { body } = await readBody(response);
  return { status: response.status, headers: response.headers, body };
}

export async function graphql(query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  return gateway('/graphql', { method: 'POST', json: { query, variables }, headers });
}

export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

let signups = 0;

/** A fresh organisation and its owner, signed up through the gateway. */
export async function signupTenant(overrides: Partial<{ email: string; password: string; name: string; organisationName: string }> = {}) {
  signups += 1;
  const unique = `${Date.now().toString(36)}${signups}${Math.random().toString(36).slice(2, 6)}`;
  const input = {
    email: `owner-${unique}@example.test`,
    password: `Correct horse battery ${unique}`,
    name: 'Olive Owner',
    organisationName: `Org ${unique}`,
    ...overrides,
  };
  const response = await gateway('/api/v1/auth/signup', { method: 'POST', json: input });
  if (response.status !== 201) throw new Error(`signup failed: ${response.status} ${JSON.stringify(response.body)}`);
  return { ...input, ...(response.body as { user: { id: string }; tenant: { id: string }; accessToken: string; refreshToken: string }) };
}

/** An identity as the gateway would vouch for it (a user of the tenant with a role, by default an admin). */
export function testIdentity(tenantId: string, overrides: Partial<Identity> = {}): Identity {
  return { kind: 'user', principalId: randomUUID(), tenantId, role: 'admin', scopes: [], portal: null, requestId: `test-${randomUUID()}`, ...overrides };
}

/**
 * Calls one service directly with an internal identity token, as the gateway does after it has
 * authenticated the caller (for services whose routes the gateway cannot authenticate yet). `baseUrl`
 * addresses another replica of the service (see startExtraService).
 */
export async function serviceRequest(
  service: ServiceName,
  path: string,
  options: { identity: Identity; method?: string; json?: unknown; baseUrl?: string },
): Promise<{ status: number; headers: Headers; body: any }> {
  const token = await new IdentityTokenIssuer(stackConfig('gateway').internalTokenPrivateKey as string).issue(options.identity, service);
  const headers = new Headers({ [INTERNAL_IDENTITY_HEADER]: token });
  if (options.json !== undefined) headers.set('content-type', 'application/json');
  const response = await fetch(`${options.baseUrl ?? testStack().serviceUrls[service]}${path}`, {
    method: options.method ?? (options.json === undefined ? 'GET' : 'POST'),
    headers,
    body: options.json === undefined ? undefined : JSON.stringify(options.json),
  });
  return readResponse(response);
}

/** A GraphQL request to one subgraph directly, with an internal identity token. */
export async function subgraphRequest(service: ServiceName, identity: Identity, query: string, variables: Record<string, unknown> = {}) {
  return serviceRequest(service, '/graphql', { identity, json: { query, variables } });
}

/**
 * The typed API client (`@assay/shared/api-client`) against the test gateway, authenticated with
 * `token` when given; its responses are checked against the OpenAPI document like those of `gateway()`.
 */
export function apiClient(token?: string): AssayClient {
  const client = createAssayClient({ baseUrl: testStack().gatewayUrl, token });
  client.use({
    async onResponse({ request, response }) {
      const { text, body } = await readBody(response.clone());
      const url = new URL(request.url);
      recordResponse(request.method, url.pathname, response.status, response.headers.get('content-type'), text, body);
    },
  });
  return client;
}
