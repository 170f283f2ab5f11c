import { newId } from '@assay/shared/database';
import { appDatabase, emitEvent, ownerDataSource, waitFor } from '@assay/shared/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';

export const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', name));

export function form(fields: Record<string, string>, file: Buffer, filename: string): FormData {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) body.append(name, value);
  body.append('file', new Blob([new Uint8Array(file)]), filename);
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
