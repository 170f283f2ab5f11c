import { newId } from '@assay/shared/database';
import { bearer, gateway, inviteMember, signupTenant, testStack, waitFor } from '@assay/shared/testing';
import { evidenceTestDatabases, fixture, form } from './evidence-test-kit';

describe('evidence through the gateway', () => {
  const kit = evidenceTestDatabases();
  const supplier = (tenantId: string, name?: string) => kit.supplier(tenantId, name);

  it('uploads an SBOM, processes it off the HTTP process, indexes components and keeps tenants apart', async () => {
    const org = await signupTenant();
    const other = await signupTenant();
    const supplierId = await supplier(org.tenant.id);
    const content = fixture('cyclonedx.json');

    const accepted = await gateway('/api/v1/evidence', {
      method: 'POST',
      body: form({ supplierId, claimIds: '1.2.1,1.2.2', kind: 'certificate' }, content, 'bom.json'),
      headers: bearer(org.accessToken),
    });
    expect(accepted.status).toBe(202);
    expect(accepted.body).toMatchObject({ status: 'pending', size: content.length });
    expect(accepted.body.sha256).toMatch(/^[0-9a-f]{64}$/);

    const again = await gateway('/api/v1/evidence', { method: 'POST', body: form({ supplierId }, content, 'copy.json'), headers: bearer(org.accessToken) });
    expect(again.body.id).toBe(accepted.body.id);
    expect((await kit.owner.query(`select count(*)::int as n from evidence.blobs where tenant_id = $1`, [org.tenant.id]))[0].n).toBe(1);

    const processed = await waitFor(async () => {
      const response = await gateway(`/api/v1/evidence/${accepted.body.id}`, { headers: bearer(org.accessToken) });
      return response.body.status === 'processed' ? response.body : null;
    }, 'processing');
    expect(processed).toMatchObject({ kind: 'sbom', claimIds: ['1.2.1', '1.2.2'], facts: { componentCount: 3 } });
    expect(processed.checks.find((c: { key: string }) => c.key === 'sbom.identifiers')).toMatchObject({ result: 'pass' });
    const events = await kit.owner.query(`select payload from evidence.outbox where tenant_id = $1 and type = 'evidence.processed'`, [org.tenant.id]);
    expect(events[0].payload.data).toMatchObject({ evidenceId: accepted.body.id, supplierId, status: 'processed', kind: 'sbom' });

    const exact = await gateway(`/api/v1/components?purl=${encodeURIComponent('pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1')}`, {
      headers: bearer(org.accessToken),
    });
    expect(exact.body.data).toEqual([expect.objectContaining({ supplierId, supplierName: 'Widget Works', evidenceId: accepted.body.id, version: '2.14.1' })]);
    const versionless = await gateway(`/api/v1/components?purl=${encodeURIComponent('pkg:maven/org.apache.logging.log4j/log4j-core')}`, {
      headers: bearer(org.accessToken),
    });
    expect(versionless.body.data).toHaveLength(1);
    const byName = await gateway('/api/v1/components?name=lodash&version=4.17.21', { headers: bearer(org.accessToken) });
    expect(byName.body.data).toHaveLength(1);

    const download = await fetch(`${testStack().gatewayUrl}/api/v1/evidence/${accepted.body.id}/content`, { headers: bearer(org.accessToken) });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toMatch(/^attachment/);
    expect(download.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await download.arrayBuffer()).equals(content)).toBe(true);

    // Another tenant sees none of it.
    expect((await gateway(`/api/v1/evidence/${accepted.body.id}`, { headers: bearer(other.accessToken) })).status).toBe(404);
    expect((await gateway(`/api/v1/evidence/${accepted.body.id}/content`, { headers: bearer(other.accessToken) })).status).toBe(404);
    expect((await gateway('/api/v1/evidence', { headers: bearer(other.accessToken) })).body.data).toEqual([]);
    expect((await gateway('/api/v1/components?name=lodash', { headers: bearer(other.accessToken) })).body.data).toEqual([]);
    const foreign = await gateway('/api/v1/evidence', { method: 'POST', body: form({ supplierId }, content, 'bom.json'), headers: bearer(other.accessToken) });
    expect(foreign.status).toBe(404);

    const listed = await gateway(`/api/v1/evidence?supplierId=${supplierId}&kind=sbom&limit=1`, { headers: bearer(org.accessToken) });
    expect(listed.body.data.map((e: { id: string }) => e.id)).toEqual([accepted.body.id]);
  });

  it('hostile content ends failed with a reason; unknown suppliers, bad fields and missing scopes are refused', async () => {
    const org = await signupTenant();
    const supplierId = await supplier(org.tenant.id);
    const bad = await gateway('/api/v1/evidence', {
      method: 'POST',
      body: form({ supplierId }, Buffer.from('{"bomFormat":"CycloneDX","__proto__":{}}'), 'x.json'),
      headers: bearer(org.accessToken),
    });
    expect(bad.status).toBe(202);
    const failed = await waitFor(async () => {
      const response = await gateway(`/api/v1/evidence/${bad.body.id}`, { headers: bearer(org.accessToken) });
      return response.body.status === 'failed' ? response.body : null;
    }, 'failure');
    expect(failed.error).toMatch(/__proto__/);

    expect(
      (
        await gateway('/api/v1/evidence', {
          method: 'POST',
          body: form({ supplierId: newId() }, fixture('security.txt'), 's.txt'),
          headers: bearer(org.accessToken),
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await gateway('/api/v1/evidence', {
          method: 'POST',
          body: form({ supplierId: 'nope' }, fixture('security.txt'), 's.txt'),
          headers: bearer(org.accessToken),
        })
      ).status,
    ).toBe(400);
    const readKey = await gateway('/api/v1/api-keys', { method: 'POST', json: { name: 'read', scopes: ['evidence:read'] }, headers: bearer(org.accessToken) });
    expect(
      (await gateway('/api/v1/evidence', { method: 'POST', body: form({ supplierId }, fixture('security.txt'), 's.txt'), headers: bearer(readKey.body.key) }))
        .status,
    ).toBe(403);
    expect((await gateway('/api/v1/evidence', { headers: bearer(readKey.body.key) })).status).toBe(200);
  });

  it('a supplier made through the assessments API; documents kept by hint; viewers cannot upload; oversized uploads get 413', async () => {
    const org = await signupTenant();
    const created = await gateway('/api/v1/suppliers', {
      method: 'POST',
      json: { name: 'Real Supplier Ltd', tier: 'medium', role: 'developer_only' },
      headers: bearer(org.accessToken),
    });
    expect(created.status).toBe(201);
    const supplierId: string = created.body.id;
    await waitFor(
      async () => (await kit.owner.query(`select 1 from evidence.suppliers where id = $1`, [supplierId])).length === 1,
      'the supplier projection from the real event',
    );

    const pdf = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
    const report = await gateway('/api/v1/evidence', {
      method: 'POST',
      body: form({ supplierId, kind: 'pentest_report' }, pdf, 'pentest.pdf'),
      headers: bearer(org.accessToken),
    });
    expect(report.status).toBe(202);
    const kept = await waitFor(async () => {
      const response = await gateway(`/api/v1/evidence/${report.body.id}`, { headers: bearer(org.accessToken) });
      return ['processed', 'failed'].includes(response.body.status) ? response.body : null;
    }, 'the document');
    expect(kept).toMatchObject({ status: 'processed', kind: 'pentest_report', mediaType: 'application/pdf' });

    const viewer = await inviteMember(kit.owner, org.accessToken, 'viewer');
    expect(
      (await gateway('/api/v1/evidence', { method: 'POST', body: form({ supplierId }, fixture('security.txt'), 's.txt'), headers: bearer(viewer.accessToken) }))
        .status,
    ).toBe(403);
    expect((await gateway(`/api/v1/evidence/${report.body.id}`, { headers: bearer(viewer.accessToken) })).status).toBe(200);

    const limit = Number(testStack().env['EVIDENCE_MAX_BYTES'] ?? 50 * 1024 * 1024);
    const tooBig = await gateway('/api/v1/evidence', {
      method: 'POST',
      body: form({ supplierId }, Buffer.alloc(limit + 1024, 0x41), 'big.txt'),
      headers: bearer(org.accessToken),
    });
    expect(tooBig.status).toBe(413);
    expect((await kit.owner.query(`select count(*)::int as n from evidence.evidence where tenant_id = $1`, [org.tenant.id]))[0].n).toBe(1);
  });
});
