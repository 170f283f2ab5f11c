import { newId } from '@assay/shared/database';
import { ownerDataSourceForFile } from '@assay/shared/testing';
import { organisation, portal, sentAssessment, waitFor } from './assessments-test-kit';

const owner = ownerDataSourceForFile();

/** Writes `evidence.processed` to the evidence service's outbox; its relay puts it on the bus. */
async function evidenceProcessed(tenantId: string, data: Record<string, unknown>) {
  const id = newId();
  const event = { id, type: 'evidence.processed', timestamp: new Date().toISOString(), tenantId, data };
  await owner.query(`insert into evidence.outbox (tenant_id, id, type, payload, created_at) values ($1, $2, $3, $4, now())`, [
    tenantId,
    id,
    'evidence.processed',
    JSON.stringify(event),
  ]);
  return id;
}

describe('automated checks beside answers', () => {
  it('shows evidence checks per claim, flags met claims whose check failed or evidence expired, and computes product end-of-support checks', async () => {
    const org = await organisation();
    const product = async (supplierId: string) =>
      (
        await org.call('POST', `/api/v1/suppliers/${supplierId}/products`, {
          name: 'Ledger',
          deliveryModel: 'saas',
          endOfSupportAt: '2027-06-30T00:00:00Z',
          endOfSupportAnnouncedAt: '2027-01-01T00:00:00Z',
        })
      ).body;
    const sent = await sentAssessment(owner, org);
    const url = `/api/v1/assessments/${sent.assessment.id}`;
    const supplier = portal(sent.token);
    await supplier.answer('3.2.1', { answer: 'met' });
    await supplier.answer('3.2.2', { answer: 'met' });

    await evidenceProcessed(org.tenantId, {
      evidenceId: 'nope',
      supplierId: sent.supplier.id,
      claimIds: [],
      kind: 'sbom',
      status: 'processed',
      sha256: 'x',
      checks: 'all good',
    });
    const evidenceId = newId();
    const expiredId = newId();
    await evidenceProcessed(org.tenantId, {
      evidenceId,
      supplierId: sent.supplier.id,
      assessmentId: null,
      claimIds: ['3.2.1', '3.2.2'],
      kind: 'security_txt',
      status: 'processed',
      sha256: 'a'.repeat(64),
      validUntil: new Date(Date.now() + 100 * 86_400_000).toISOString(),
      checks: [
        { key: 'security_txt.contact', claimIds: ['3.2.1', '3.2.2'], result: 'pass', detail: '1 contact' },
        { key: 'security_txt.policy', claimIds: ['3.2.1'], result: 'fail', detail: 'no Policy' },
      ],
    });
    await evidenceProcessed(org.tenantId, {
      evidenceId: expiredId,
      supplierId: sent.supplier.id,
      assessmentId: sent.assessment.id,
      claimIds: ['3.2.2'],
      kind: 'security_txt',
      status: 'processed',
      sha256: 'b'.repeat(64),
      validUntil: new Date(Date.now() - 86_400_000).toISOString(),
      checks: [{ key: 'security_txt.encryption', claimIds: ['3.2.2'], result: 'pass', detail: 'https contact' }],
    });
    const detail = await waitFor(async () => {
      const body = (await org.call('GET', url)).body;
      return body.claims.find((claim: { id: string }) => claim.id === '3.2.2').checks.length === 2 && body;
    }, 'check results');
    const claim = (id: string) => detail.claims.find((c: { id: string }) => c.id === id);
    expect(
      claim('3.2.1')
        .checks.map((c: { key: string; result: string }) => `${c.key}:${c.result}`)
        .sort(),
    ).toEqual(['security_txt.contact:pass', 'security_txt.policy:fail']);
    expect(claim('3.2.1').checks[0]).toMatchObject({ evidenceId, evidenceKind: 'security_txt' });
    expect(detail.disagreements).toEqual(
      expect.arrayContaining([
        { claimId: '3.2.1', checkKey: 'security_txt.policy', evidenceId, reason: 'check_failed' },
        { claimId: '3.2.2', checkKey: 'security_txt.encryption', evidenceId: expiredId, reason: 'evidence_expired' },
      ]),
    );
    expect(detail.disagreements).toHaveLength(2);
    const rows = await owner.query(`select count(*)::int as n from assessments.check_results where assessment_id = $1`, [sent.assessment.id]);
    expect(rows[0].n).toBe(4); // the malformed event was skipped

    const withProduct = await sentAssessment(owner, org, 'reseller');
    const made = await product(withProduct.supplier.id);
    const assessed = await org.call('POST', '/api/v1/assessments', {
      supplierId: withProduct.supplier.id,
      productId: made.id,
      dueAt: new Date(Date.now() + 20 * 86_400_000).toISOString(),
    });
    const eos = (id: string) => assessed.body.claims.find((c: { id: string }) => c.id === id).checks;
    expect(eos('4.1.1')).toMatchObject([{ key: 'product.eos_published', result: 'pass' }]);
    expect(eos('4.2.1')).toMatchObject([{ key: 'product.eos_notice', result: 'fail', detail: expect.stringContaining('180 days') }]);
  });

  it("never records checks for another tenant's assessment", async () => {
    const alpha = await organisation();
    const beta = await organisation();
    const sent = await sentAssessment(owner, alpha);
    await evidenceProcessed(beta.tenantId, {
      evidenceId: newId(),
      supplierId: sent.supplier.id,
      assessmentId: sent.assessment.id,
      claimIds: ['3.2.1'],
      kind: 'security_txt',
      status: 'processed',
      sha256: 'c'.repeat(64),
      checks: [{ key: 'security_txt.policy', claimIds: ['3.2.1'], result: 'fail', detail: 'no Policy' }],
    });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await owner.query(`select count(*)::int as n from assessments.check_results where assessment_id = $1`, [sent.assessment.id]))[0].n).toBe(0);
    expect((await beta.call('GET', `/api/v1/assessments/${sent.assessment.id}`)).status).toBe(404);
  });
});
