import { bearer, gateway, signupTenant } from '@assay/shared/testing';
import type { DataSource } from 'typeorm';

/** An organisation and its owner, with helpers that call the API as that owner. */
export async function organisation() {
  const org = await signupTenant();
  const auth = bearer(org.accessToken);
  const call = (method: string, path: string, json?: unknown) => gateway(path, { method, headers: auth, ...(json === undefined ? {} : { json }) });
  return { ...org, tenantId: org.tenant.id, auth, call };
}

export type Organisation = Awaited<ReturnType<typeof organisation>>;

/** Invites a member with a role and accepts as them; the invitation link is read from tenancy's outbox. */
export async function addMember(owner: DataSource, org: Organisation, role: 'admin' | 'assessor' | 'viewer'): Promise<{ accessToken: string }> {
  const email = `member-${Math.random().toString(36).slice(2)}@example.test`;
  const invited = await org.call('POST', '/api/v1/invitations', { email, role });
  if (invited.status !== 201) throw new Error(`invitation failed: ${invited.status}`);
  const [row] = await owner.query(`select payload from tenancy.outbox where type = 'invitation.created' and payload->'data'->>'invitationId' = $1`, [invited.body.id]);
  const token = new URL(row.payload.data.acceptUrl).searchParams.get('token') as string;
  const accepted = await gateway('/api/v1/invitations/accept', { method: 'POST', json: { token, password: `Member password ${Math.random().toString(36).slice(2)}`, name: 'Mo Member' } });
  if (accepted.status !== 200) throw new Error(`acceptance failed: ${accepted.status}`);
  return { accessToken: accepted.body.accessToken };
}

/** An API key of the organisation with the given scopes. */
export async function apiKey(org: Organisation, scopes: string[]): Promise<string> {
  const created = await org.call('POST', '/api/v1/api-keys', { name: `key ${scopes.join(' ')}`, scopes });
  if (created.status !== 201) throw new Error(`API key creation failed: ${created.status}`);
  return created.body.key as string;
}

export async function createSupplier(org: Organisation, overrides: Record<string, unknown> = {}) {
  const created = await org.call('POST', '/api/v1/suppliers', { name: `Supplier ${Math.random().toString(36).slice(2, 8)}`, tier: 'high', role: 'developer_distributor', ...overrides });
  if (created.status !== 201) throw new Error(`supplier creation failed: ${created.status} ${JSON.stringify(created.body)}`);
  return created.body as { id: string; name: string };
}

export async function createContact(org: Organisation, supplierId: string, overrides: Record<string, unknown> = {}) {
  const created = await org.call('POST', `/api/v1/suppliers/${supplierId}/contacts`, {
    name: 'Casey Contact',
    email: `contact-${Math.random().toString(36).slice(2)}@supplier.test`,
    ...overrides,
  });
  if (created.status !== 201) throw new Error(`contact creation failed: ${created.status} ${JSON.stringify(created.body)}`);
  return created.body as { id: string; email: string; name: string };
}

export async function waitFor<T>(probe: () => Promise<T | undefined | null | false>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
