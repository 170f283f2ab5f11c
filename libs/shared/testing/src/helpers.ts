import { AppConfig, loadConfig, ProcessName } from '@assay/shared/config';
import { TenantDatabase, createRuntimeDataSource } from '@assay/shared/database';
import { DataSource } from 'typeorm';
import { testStack } from './test-stack';

/** The validated config a process of the test stack runs with. */
export function stackConfig(processName: ProcessName): AppConfig {
  return loadConfig(processName, { ...process.env, ...testStack().env, NODE_ENV: 'test' });
}

/** A connection as the schema owner (migrations' role): sees everything, for set-up and assertions. */
export async function ownerDataSource(): Promise<DataSource> {
  const dataSource = new DataSource({ type: 'postgres', url: testStack().env['DATABASE_MIGRATION_URL'] as string, applicationName: 'assay-test-owner' });
  return dataSource.initialize();
}

/** A runtime connection as the confined app role, exactly as services connect. */
export async function appDatabase(): Promise<{ dataSource: DataSource; database: TenantDatabase }> {
  const config = stackConfig('assessments');
  const dataSource = await createRuntimeDataSource(config.database, { name: 'test', poolSize: 4 }).initialize();
  return { dataSource, database: new TenantDatabase(dataSource, config.database.systemRole) };
}

/** fetch against the test gateway, JSON in and out. */
export async function gateway(path: string, init: RequestInit & { json?: unknown } = {}): Promise<{ status: number; headers: Headers; body: any }> {
  const headers = new Headers(init.headers);
  if (init.json !== undefined) headers.set('content-type', 'application/json');
  const response = await fetch(`${testStack().gatewayUrl}${path}`, { ...init, headers, body: init.json !== undefined ? JSON.stringify(init.json) : init.body });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON
  }
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
