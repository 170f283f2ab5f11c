import { subgraphRequest, testIdentity } from '@assay/shared/testing';
import { createSupplier, organisation } from './assessments-test-kit';

const QUERY = `query ($first: Int!) {
  suppliers(first: $first) { edges { node { id name products { id } contacts { id } assessments { id status findings { id severity } } } } }
}`;

/** The statements one subgraph request ran, as the service reports them. */
async function queriesFor(tenantId: string, first: number): Promise<{ count: number; suppliers: number }> {
  const response = await subgraphRequest('assessments', testIdentity(tenantId, { role: 'viewer' }), QUERY, { first });
  expect(response.body.errors).toBeUndefined();
  return { count: Number(response.headers.get('x-assay-db-queries')), suppliers: response.body.data.suppliers.edges.length };
}

describe('GraphQL batching', () => {
  it('listing 50 suppliers with their products, contacts, assessments and findings runs as many SQL statements as listing 5', async () => {
    const org = await organisation();
    const dueAt = new Date(Date.now() + 30 * 86_400_000).toISOString();
    for (let i = 0; i < 50; i++) {
      const supplier = await createSupplier(org, { name: `Batched ${String(i).padStart(2, '0')}` });
      const created = await org.call('POST', '/api/v1/assessments', { supplierId: supplier.id, dueAt });
      expect(created.status).toBe(201);
    }
    const few = await queriesFor(org.tenantId, 5);
    const many = await queriesFor(org.tenantId, 50);
    expect(few.suppliers).toBe(5);
    expect(many.suppliers).toBe(50);
    expect(few.count).toBeGreaterThan(0);
    expect(many.count).toBe(few.count);
    expect(many.count).toBeLessThanOrEqual(20);
  });
});
