import { serviceRequest, startExtraService, testIdentity } from '@assay/shared/testing';
import { createSupplier, inDays, organisation } from './assessments-test-kit';

describe('an assessments replica whose catalogue cache is cold', () => {
  it('answers more concurrent assessment reads than it has database connections', async () => {
    const org = await organisation();
    const supplier = await createSupplier(org, { role: 'reseller' });
    const created = await org.call('POST', '/api/v1/assessments', { supplierId: supplier.id, dueAt: inDays(30) });
    expect(created.status).toBe(201);
    // A fresh process has read nothing of the catalogue yet. Each read holds a connection for its
    // transaction and needs the framework: were that read on a second connection, two connections
    // would all be waiting for a third and the requests would fail after the pool's timeout.
    const replica = await startExtraService('assessments', { DATABASE_POOL_SIZE: '2' });
    try {
      const identity = testIdentity(org.tenantId, { role: 'viewer', principalId: org.user.id });
      const read = () => serviceRequest('assessments', `/api/v1/assessments/${created.body.id}`, { identity, baseUrl: replica.url });
      const answers = await Promise.all(Array.from({ length: 6 }, read));
      expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200, 200]);
      expect(answers[0]?.body.claims.length).toBeGreaterThan(0);
    } finally {
      await replica.stop();
    }
  });
});
