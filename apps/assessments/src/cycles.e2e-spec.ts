import { gateway, bearer, ownerDataSource } from '@assay/shared/testing';
import type { DataSource } from 'typeorm';
import { createSupplier, inDays, organisation } from './assessments-test-kit';

let owner: DataSource;

beforeAll(async () => {
  owner = await ownerDataSource();
});
afterAll(async () => {
  await owner.destroy();
});

describe('assessment cycles', () => {
  it('shows who opened an assessment over REST, GraphQL and its events', async () => {
    const org = await organisation();
    const supplier = await createSupplier(org);
    const created = await org.call('POST', '/api/v1/assessments', { supplierId: supplier.id, dueAt: inDays(30) });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ openedBy: 'user', previousAssessmentId: null });
    const listed = await org.call('GET', `/api/v1/assessments?supplierId=${supplier.id}`);
    expect(listed.body.data).toMatchObject([{ id: created.body.id, openedBy: 'user' }]);
    const graph = await gateway('/graphql', {
      method: 'POST',
      headers: bearer(org.accessToken),
      json: { query: 'query($id: ID!) { assessment(id: $id) { id openedBy previousAssessmentId } }', variables: { id: created.body.id } },
    });
    expect(graph.body).toEqual({ data: { assessment: { id: created.body.id, openedBy: 'user', previousAssessmentId: null } } });
    const [event] = await owner.query(`select payload from assessments.outbox where type = 'assessment.created' and payload->'data'->>'assessmentId' = $1`, [
      created.body.id,
    ]);
    expect(event.payload.data.openedBy).toBe('user');
  });
});
