import { SinkMessage, bearer, form, gateway, mailSubject, mailText, settledEvidence, waitFor, waitForMail } from '@assay/shared/testing';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { fullFormats } from 'ajv-formats/dist/formats';
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

/** The real OSV record of Log4Shell (GHSA-jfh8-c2jp-5v3q, CVE-2021-44228). */
export const LOG4SHELL_OSV = readFileSync(join(__dirname, '../../../libs/evidence/src/advisories/__fixtures__/GHSA-jfh8-c2jp-5v3q.osv.json'));

/** Calls through the gateway as one customer, and the records inquiry specs set up with them. */
export function customerCalls(owner: DataSource, accessToken: string) {
  const headers = bearer(accessToken);
  const call = (method: string, path: string, json?: unknown) => gateway(path, { method, json, headers });
  return {
    call,
    /** A supplier with a contact and an assessment (what portal links are bound to), known to the evidence service. */
    async supplier(name: string): Promise<{ id: string; email: string; contactId: string; assessmentId: string }> {
      const created = await call('POST', '/api/v1/suppliers', { name, tier: 'high', role: 'developer_distributor' });
      expect(created.status).toBe(201);
      const email = `${name.split(' ')[0]?.toLowerCase()}-${Math.random().toString(36).slice(2)}@supplier.test`;
      const contact = await call('POST', `/api/v1/suppliers/${created.body.id}/contacts`, { name: `${name} Security`, email });
      expect(contact.status).toBe(201);
      const assessment = await call('POST', '/api/v1/assessments', { supplierId: created.body.id, dueAt: inDays(60) });
      expect(assessment.status).toBe(201);
      await waitFor(
        async () => (await owner.query(`select 1 from evidence.suppliers where id = $1`, [created.body.id])).length === 1,
        'the supplier projection',
      );
      return { id: created.body.id as string, email, contactId: contact.body.id as string, assessmentId: assessment.body.id as string };
    },
    /** Evidence the customer uploads for a supplier, once processed. */
    async upload(supplierId: string, content: Buffer, name: string): Promise<string> {
      const accepted = await gateway('/api/v1/evidence', { method: 'POST', body: form({ supplierId }, content, name), headers });
      expect(accepted.status).toBe(202);
      expect(await settledEvidence(accessToken, accepted.body.id)).toMatchObject({ status: 'processed' });
      return accepted.body.id as string;
    },
    /** The id of the advisory an advisory document submitted as JSON gave, once imported. */
    async advisory(document: unknown): Promise<string> {
      const submitted = await call('POST', '/api/v1/advisories', document);
      expect(submitted.status).toBe(202);
      const imported = await waitFor(async () => {
        const found = await call('GET', `/api/v1/advisories/imports/${submitted.body.id}`);
        return found.body.status === 'processed' ? found.body : null;
      }, 'the advisory import');
      return imported.outcome.advisoryIds[0] as string;
    },
  };
}

/** The inquiry link emailed to `email` about `vulnerability` (a real SMTP sink). */
export async function inquiryLinkMailed(email: string, vulnerability: string): Promise<{ token: string; text: string; subject: string }> {
  const isInquiryMail = (m: SinkMessage) => m.to.includes(email) && mailSubject(m.raw).includes(vulnerability);
  const mail = (await waitForMail((messages) => messages.some(isInquiryMail))).find(isInquiryMail);
  const text = mailText(mail?.raw ?? '').replace(/\s+/g, ' ');
  const token = /\/portal\?token=(assay_portal_[A-Za-z0-9_-]+)/.exec(text)?.[1] as string;
  expect(token).toBeTruthy();
  return { token, text, subject: mailSubject(mail?.raw ?? '') };
}

/** A validator by the real OpenVEX JSON Schema (v0.2.0). */
export function openVexValidator() {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  // The schema's `@id`s are IRIs; ours are ASCII, so the stricter URI check holds them to it.
  ajv.addFormat('iri', fullFormats.uri);
  return ajv.compile(JSON.parse(readFileSync(join(__dirname, '../../../libs/evidence/src/inquiries/__fixtures__/openvex_json_schema.json'), 'utf8')));
}
