import { newId } from '@assay/shared/database';
import { appDatabase, bearer, emitEvent, gateway, ownerDataSource, waitFor } from '@assay/shared/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';

export const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', name));

/** A multipart upload; `type` is the file part's declared content type (the client's word). */
export function form(fields: Record<string, string>, file: Buffer, filename: string, type?: string): FormData {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) body.append(name, value);
  body.append('file', new Blob([new Uint8Array(file)], type ? { type } : {}), filename);
  return body;
}

export interface EvidenceTestDatabases {
  owner: DataSource;
  app: Awaited<ReturnType<typeof appDatabase>>;
  /** A supplier known to the evidence service, through a `supplier.created` event from the assessments outbox. */
  supplier(tenantId: string, name?: string): Promise<string>;
}

/** The owner and app connections for a suite (opened before it, closed after it). */
export function evidenceTestDatabases(): EvidenceTestDatabases {
  const kit = {
    async supplier(tenantId: string, name = 'Widget Works'): Promise<string> {
      const supplierId = newId();
      await emitEvent(kit.app.database, 'assessments', tenantId, 'supplier.created', { supplierId, name, tier: 'high', role: 'developer_distributor', status: 'active' });
      await waitFor(async () => (await kit.owner.query(`select 1 from evidence.suppliers where id = $1`, [supplierId])).length === 1, 'the supplier projection');
      return supplierId;
    },
  } as EvidenceTestDatabases;
  beforeAll(async () => {
    kit.owner = await ownerDataSource();
    kit.app = await appDatabase();
  });
  afterAll(async () => {
    await kit.owner.destroy();
    await kit.app.dataSource.destroy();
  });
  return kit;
}

/** Waits until evidence is processed, failed or rejected, and gives it as the API shows it. */
export function settledEvidence(accessToken: string, id: string, timeoutMs = 30_000) {
  return waitFor(async () => {
    const response = await gateway(`/api/v1/evidence/${id}`, { headers: bearer(accessToken) });
    return ['processed', 'failed', 'rejected'].includes(response.body.status) ? response.body : null;
  }, `evidence ${id} to settle`, timeoutMs);
}

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

/** A supplier, a contact and a sent assessment made through the assessments API, with a portal token for the contact. */
export async function sentAssessment(owner: DataSource, accessToken: string): Promise<{ supplierId: string; assessmentId: string; token: string }> {
  const call = (path: string, json: unknown) => gateway(path, { method: 'POST', json, headers: bearer(accessToken) });
  const supplier = await call('/api/v1/suppliers', { name: `Portal Supplier ${Math.random().toString(36).slice(2, 8)}`, tier: 'high', role: 'developer_distributor' });
  expect(supplier.status).toBe(201);
  const contact = await call(`/api/v1/suppliers/${supplier.body.id}/contacts`, { name: 'Casey Contact', email: `casey-${Math.random().toString(36).slice(2)}@supplier.test` });
  expect(contact.status).toBe(201);
  const assessment = await call('/api/v1/assessments', { supplierId: supplier.body.id, dueAt: inDays(30) });
  expect(assessment.status).toBe(201);
  expect((await call(`/api/v1/assessments/${assessment.body.id}/send`, {})).status).toBe(200);
  const link = await call(`/api/v1/assessments/${assessment.body.id}/portal-links`, { contactId: contact.body.id });
  expect(link.status).toBe(201);
  await waitFor(
    async () => (await owner.query(`select 1 from evidence.assessments where id = $1 and status = 'sent'`, [assessment.body.id])).length === 1,
    'the assessment projection',
  );
  return { supplierId: supplier.body.id, assessmentId: assessment.body.id, token: link.body.token };
}
