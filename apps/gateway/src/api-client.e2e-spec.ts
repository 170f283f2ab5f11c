import type { Schemas } from '@assay/shared/api-client';
import { apiClient } from '@assay/shared/testing';

/*
 * The typed client generated from the OpenAPI document, against the running stack: what the document
 * says is what the API answers (the responses are also checked against the document when the run ends).
 */
describe('the typed API client', () => {
  let token: string;

  beforeAll(async () => {
    const unique = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
    const { data, error, response } = await apiClient().POST('/api/v1/auth/signup', {
      body: { email: `client-${unique}@example.test`, password: `Correct horse battery ${unique}`, name: 'Cleo Client', organisationName: `Client ${unique}` },
    });
    expect({ status: response.status, error }).toEqual({ status: 201, error: undefined });
    token = data?.accessToken as string;
  });

  it('creates, reads, changes and lists a supplier with typed bodies and answers', async () => {
    const api = apiClient(token);
    const created = await api.POST('/api/v1/suppliers', { body: { name: 'Typed Supplies Ltd', tier: 'high', role: 'developer_distributor', tags: ['typed'] } });
    expect(created.response.status).toBe(201);
    const supplier = created.data as Schemas['SupplierView'];
    expect(supplier).toMatchObject({ name: 'Typed Supplies Ltd', tier: 'high', status: 'active', tags: ['typed'], website: null });

    const read = await api.GET('/api/v1/suppliers/{id}', { params: { path: { id: supplier.id } } });
    expect(read.data?.id).toBe(supplier.id);

    const changed = await api.PATCH('/api/v1/suppliers/{id}', {
      params: { path: { id: supplier.id } },
      body: { tier: 'low', website: 'https://typed.example' },
    });
    expect(changed.data).toMatchObject({ tier: 'low', website: 'https://typed.example' });

    const listed = await api.GET('/api/v1/suppliers', { params: { query: { tier: 'low', limit: 10 } } });
    expect(listed.data?.data.map((item) => item.id)).toContain(supplier.id);
    expect(listed.data?.nextCursor).toBeNull();
  });

  it('answers refusals as typed problem documents', async () => {
    const api = apiClient(token);
    const missing = await api.GET('/api/v1/frameworks/{key}', { params: { path: { key: 'nope' } } });
    expect(missing.response.status).toBe(404);
    expect(missing.response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(missing.error).toMatchObject({ type: 'urn:assay:problem:not-found', status: 404 });

    // A property the document (additionalProperties: false) and the validation both refuse.
    const unknown = await api.POST('/api/v1/suppliers', {
      body: { name: 'X', tier: 'high', role: 'reseller', colour: 'blue' } as Schemas['CreateSupplierDto'],
    });
    expect(unknown.response.status).toBe(400);
    expect(unknown.error?.errors?.map((fieldError) => fieldError.field)).toContain('colour');

    const anonymous = await apiClient().GET('/api/v1/suppliers');
    expect(anonymous.response.status).toBe(401);
    expect(anonymous.error?.status).toBe(401);
  });

  it('refuses null for a PATCH field that cannot be cleared, naming it (the document fuzzer found a 500)', async () => {
    const api = apiClient(token);
    const created = await api.POST('/api/v1/webhook-endpoints', { body: { url: 'https://hooks.example/assay', events: ['*'] } });
    expect(created.response.status).toBe(201);
    const id = created.data?.id as string;
    for (const field of ['url', 'events', 'enabled'] as const) {
      const refused = await api.PATCH('/api/v1/webhook-endpoints/{id}', { params: { path: { id } }, body: { [field]: null } as never });
      expect({ field, status: refused.response.status, fields: refused.error?.errors?.map((error) => error.field) }).toEqual({
        field,
        status: 400,
        fields: expect.arrayContaining([field]),
      });
    }
    const cleared = await api.PATCH('/api/v1/webhook-endpoints/{id}', { params: { path: { id } }, body: { description: null } });
    expect(cleared.data?.description).toBeNull();
  });
});
