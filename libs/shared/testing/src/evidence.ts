import { newId } from '@assay/shared/database';
import type { DataSource } from 'typeorm';
import { appDatabase, bearer, gateway, ownerDataSource } from './helpers';
import { WAIT_MS, emitEvent, waitFor } from './kit';

/*
 * Evidence through the gateway: uploads, the supplier projection they need, and waiting for the
 * worker's outcome (used by the evidence service's end-to-end tests and the security suite).
 */

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
  /** An assessment of a supplier known to the evidence service, through an `assessment.created` event. */
  assessment(tenantId: string, supplierId: string): Promise<string>;
}

/** The owner and app connections for a suite (opened before it, closed after it). */
export function evidenceTestDatabases(): EvidenceTestDatabases {
  const kit = {
    async supplier(tenantId: string, name = 'Widget Works'): Promise<string> {
      const supplierId = newId();
      await projected(
        'supplier.created',
        tenantId,
        { supplierId, name, tier: 'high', role: 'developer_distributor', status: 'active' },
        'suppliers',
        supplierId,
      );
      return supplierId;
    },
    async assessment(tenantId: string, supplierId: string): Promise<string> {
      const assessmentId = newId();
      const dueAt = new Date(Date.now() + 30 * 86_400_000).toISOString();
      await projected(
        'assessment.created',
        tenantId,
        { assessmentId, supplierId, supplierName: 'Widget Works', status: 'draft', dueAt },
        'assessments',
        assessmentId,
      );
      return assessmentId;
    },
  } as EvidenceTestDatabases;
  /** Emits an assessments event and waits until the evidence service's projection holds the row. */
  async function projected(type: 'supplier.created' | 'assessment.created', tenantId: string, data: Record<string, unknown>, table: string, id: string) {
    await emitEvent(kit.app.database, 'assessments', tenantId, type, data);
    await waitFor(async () => (await kit.owner.query(`select 1 from evidence.${table} where id = $1`, [id])).length === 1, `the ${table} projection`);
  }
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
export function settledEvidence(accessToken: string, id: string, timeoutMs = WAIT_MS) {
  return waitFor(
    async () => {
      const response = await gateway(`/api/v1/evidence/${id}`, { headers: bearer(accessToken) });
      return ['processed', 'failed', 'rejected'].includes(response.body.status) ? response.body : null;
    },
    `evidence ${id} to settle`,
    timeoutMs,
  );
}
