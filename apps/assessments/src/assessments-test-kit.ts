import { bearer, gateway, inviteMember, linkToken, signupTenant, waitFor } from '@assay/shared/testing';
import type { DataSource } from 'typeorm';

/** An organisation and its owner, with helpers that call the API as that owner. */
export async function organisation() {
  const org = await signupTenant();
  const auth = bearer(org.accessToken);
  const call = (method: string, path: string, json?: unknown) => gateway(path, { method, headers: auth, ...(json === undefined ? {} : { json }) });
  return { ...org, tenantId: org.tenant.id, auth, call };
}

export type Organisation = Awaited<ReturnType<typeof organisation>>;

/** Invites a member with a role and accepts as them. */
export async function addMember(owner: DataSource, org: Organisation, role: 'admin' | 'assessor' | 'viewer'): Promise<{ accessToken: string }> {
  return inviteMember(owner, org.accessToken, role);
}

/** An API key of the organisation with the given scopes. */
export async function apiKey(org: Organisation, scopes: string[]): Promise<string> {
  const created = await org.call('POST', '/api/v1/api-keys', { name: `key ${scopes.join(' ')}`, scopes });
  if (created.status !== 201) throw new Error(`API key creation failed: ${created.status}`);
  return created.body.key as string;
}

export async function createSupplier(org: Organisation, overrides: Record<string, unknown> = {}) {
  const created = await org.call('POST', '/api/v1/suppliers', {
    name: `Supplier ${Math.random().toString(36).slice(2, 8)}`,
    tier: 'high',
    role: 'developer_distributor',
    ...overrides,
  });
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

export { waitFor };

export const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

/** The supplier portal as one portal token sees it. */
export const portal = (token: string) => ({
  get: () => gateway('/api/v1/portal/assessment', { headers: bearer(token) }),
  answer: (claimId: string, json: unknown) => gateway(`/api/v1/portal/assessment/responses/${claimId}`, { method: 'PUT', headers: bearer(token), json }),
  submit: (json: unknown) => gateway('/api/v1/portal/assessment/submit', { method: 'POST', headers: bearer(token), json }),
  agree: (findingId: string, json: unknown) => gateway(`/api/v1/portal/findings/${findingId}`, { method: 'PATCH', headers: bearer(token), json }),
  requestExtension: (json: unknown) => gateway('/api/v1/portal/assessment/extension-requests', { method: 'POST', headers: bearer(token), json }),
});

export const ATTESTATION = { name: 'Sam Signer', role: 'CTO', email: 'sam@supplier.test', statement: true };

/** A supplier with an SRO contact and a sent assessment; the SRO's portal token read from `assessment.sent`. */
export async function sentAssessment(owner: DataSource, org: Organisation, role = 'reseller', extra: Record<string, unknown> = {}) {
  const supplier = await createSupplier(org, { role, ownerUserId: org.user.id });
  const contact = await createContact(org, supplier.id, { isSeniorResponsibleOwner: true });
  const created = await org.call('POST', '/api/v1/assessments', { supplierId: supplier.id, dueAt: inDays(30), ...extra });
  if (created.status !== 201) throw new Error(`assessment creation failed: ${created.status} ${JSON.stringify(created.body)}`);
  const sent = await org.call('POST', `/api/v1/assessments/${created.body.id}/send`, {});
  if (sent.status !== 200) throw new Error(`sending failed: ${sent.status}`);
  const [event] = await owner.query(`select payload from assessments.outbox where type = 'assessment.sent' and payload->'data'->>'assessmentId' = $1`, [
    created.body.id,
  ]);
  const token = linkToken(event.payload.tenantId, event.payload.data.recipients[0].portalUrl);
  return { supplier, contact, assessment: created.body, event: event.payload, token, claimIds: (created.body.claims as { id: string }[]).map((c) => c.id) };
}

export type SentAssessment = Awaited<ReturnType<typeof sentAssessment>>;

/** Answers every claim through the portal (`answerOf` picks each answer) and submits with the SRO's attestation. */
export async function answerAndSubmit(sent: SentAssessment, answerOf: (claimId: string, index: number) => string = () => 'met') {
  const supplier = portal(sent.token);
  for (const [index, claimId] of sent.claimIds.entries()) {
    const answer = answerOf(claimId, index);
    const saved = await supplier.answer(claimId, { answer, justification: answer === 'not_met' || answer === 'not_applicable' ? 'Explained' : undefined });
    if (saved.status !== 200) throw new Error(`answer failed: ${saved.status} ${JSON.stringify(saved.body)}`);
  }
  const submitted = await supplier.submit({ attestation: ATTESTATION });
  if (submitted.status !== 200) throw new Error(`submission failed: ${submitted.status} ${JSON.stringify(submitted.body)}`);
  return submitted.body as { attestation: { responsesSha256: string } };
}

/** Rows of an RFC 4180 document (quoted fields may hold commas, doubled quotes and line breaks). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 1;
    } else field += char;
  }
  return rows;
}
