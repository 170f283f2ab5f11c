import { bearer, gateway, waitFor } from '@assay/shared/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';

export const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', name));

// The upload helpers live in the shared test kit (the security suite in tools/ uses them too).
export { evidenceTestDatabases, form, settledEvidence } from '@assay/shared/testing';
export type { EvidenceTestDatabases } from '@assay/shared/testing';

/**
 * A supplier's OpenVEX document saying log4j-core 2.14.1 inside `product` (a purl) is not affected by
 * Log4Shell (CVE-2021-44228); `statement` adds fields to the one statement.
 */
export function log4ShellNotAffectedVex(product: string, statement: Record<string, unknown> = {}): Buffer {
  return Buffer.from(
    JSON.stringify({
      '@context': 'https://openvex.dev/ns/v0.2.0',
      '@id': 'https://vexed.example/vex/2021-12-11',
      author: 'Vexed Ltd security team',
      timestamp: '2021-12-11T09:00:00Z',
      version: 1,
      statements: [
        {
          vulnerability: { name: 'CVE-2021-44228' },
          products: [{ '@id': product, subcomponents: [{ '@id': 'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1' }] }],
          status: 'not_affected',
          justification: 'vulnerable_code_not_in_execute_path',
          ...statement,
        },
      ],
    }),
  );
}

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

/** A supplier, a contact and a sent assessment made through the assessments API, with a portal token for the contact. */
/** `awaitProjection: false` returns the moment the link exists, before this service may have heard of the assessment. */
export async function sentAssessment(
  owner: DataSource,
  accessToken: string,
  { awaitProjection = true }: { awaitProjection?: boolean } = {},
): Promise<{ supplierId: string; assessmentId: string; token: string }> {
  const call = (path: string, json: unknown) => gateway(path, { method: 'POST', json, headers: bearer(accessToken) });
  const supplier = await call('/api/v1/suppliers', {
    name: `Portal Supplier ${Math.random().toString(36).slice(2, 8)}`,
    tier: 'high',
    role: 'developer_distributor',
  });
  expect(supplier.status).toBe(201);
  const contact = await call(`/api/v1/suppliers/${supplier.body.id}/contacts`, {
    name: 'Casey Contact',
    email: `casey-${Math.random().toString(36).slice(2)}@supplier.test`,
  });
  expect(contact.status).toBe(201);
  const assessment = await call('/api/v1/assessments', { supplierId: supplier.body.id, dueAt: inDays(30) });
  expect(assessment.status).toBe(201);
  expect((await call(`/api/v1/assessments/${assessment.body.id}/send`, {})).status).toBe(200);
  const link = await call(`/api/v1/assessments/${assessment.body.id}/portal-links`, { contactId: contact.body.id });
  expect(link.status).toBe(201);
  if (awaitProjection) {
    await waitFor(
      async () => (await owner.query(`select 1 from evidence.assessments where id = $1 and status = 'sent'`, [assessment.body.id])).length === 1,
      'the assessment projection',
    );
  }
  return { supplierId: supplier.body.id, assessmentId: assessment.body.id, token: link.body.token };
}
