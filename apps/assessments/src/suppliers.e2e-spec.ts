import { bearer, gateway, graphql, inviteMember, ownerDataSourceForFile, waitFor } from '@assay/shared/testing';
import { addMember, apiKey, createContact, createSupplier, organisation } from './assessments-test-kit';

const owner = ownerDataSourceForFile();

describe('suppliers', () => {
  it('registers, reads, updates and offboards a supplier, with audit entries and events', async () => {
    const org = await organisation();
    const created = await org.call('POST', '/api/v1/suppliers', {
      name: 'Acme Software Ltd',
      tier: 'critical',
      role: 'developer_distributor',
      website: 'https://acme.example',
      domains: ['Acme.example', 'acme.example', 'cdn.acme.example'],
      companyNumber: '01234567',
      tags: ['payments', 'saas'],
      ownerUserId: org.user.id,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'Acme Software Ltd',
      tier: 'critical',
      status: 'active',
      domains: ['acme.example', 'cdn.acme.example'],
      ownerUserId: org.user.id,
      nextAssessmentDueAt: null,
      latestScore: null,
      openFindings: 0,
    });
    const id = created.body.id;
    expect((await org.call('GET', `/api/v1/suppliers/${id}`)).body.name).toBe('Acme Software Ltd');

    const patched = await org.call('PATCH', `/api/v1/suppliers/${id}`, { tier: 'medium', website: null });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ tier: 'medium', website: null, name: 'Acme Software Ltd' });
    expect((await org.call('PATCH', `/api/v1/suppliers/${id}`, { name: null })).status).toBe(400);

    const offboarded = await org.call('DELETE', `/api/v1/suppliers/${id}`);
    expect(offboarded.status).toBe(200);
    expect(offboarded.body.status).toBe('offboarded');
    expect((await org.call('GET', `/api/v1/suppliers/${id}`)).body.status).toBe('offboarded');

    const events = await owner.query(
      `select type from assessments.outbox where tenant_id = $1 and payload->'data'->>'supplierId' = $2 order by created_at, id`,
      [org.tenantId, id],
    );
    expect(events.map((e: { type: string }) => e.type)).toEqual(['supplier.created', 'supplier.updated', 'supplier.offboarded']);
    const audit = await owner.query(`select action from audit.events where tenant_id = $1 and target_id = $2 order by seq`, [org.tenantId, id]);
    expect(audit.map((a: { action: string }) => a.action)).toEqual(['supplier.created', 'supplier.updated', 'supplier.offboarded']);
  });

  it('filters by tier, status and text, and pages with a cursor', async () => {
    const org = await organisation();
    for (const [name, tier] of [
      ['Northwind Payroll', 'critical'],
      ['Northwind CRM', 'low'],
      ['Contoso 50% Off_Shop', 'low'],
      ['Fabrikam', 'high'],
    ] as const) {
      await createSupplier(org, { name, tier });
    }
    const fabrikam = (await org.call('GET', '/api/v1/suppliers?q=fabrikam')).body.data[0];
    await org.call('DELETE', `/api/v1/suppliers/${fabrikam.id}`);

    const names = async (query: string) => ((await org.call('GET', `/api/v1/suppliers?${query}`)).body.data as { name: string }[]).map((s) => s.name);
    expect(await names('q=northwind')).toEqual(['Northwind CRM', 'Northwind Payroll']);
    expect(await names('tier=low')).toEqual(['Contoso 50% Off_Shop', 'Northwind CRM']);
    expect(await names('q=50%25')).toEqual(['Contoso 50% Off_Shop']);
    expect(await names('q=_')).toEqual(['Contoso 50% Off_Shop']);
    expect(await names('status=offboarded')).toEqual(['Fabrikam']);
    expect(await names('status=active&tier=critical')).toEqual(['Northwind Payroll']);

    const first = await org.call('GET', '/api/v1/suppliers?limit=3');
    expect(first.body.data).toHaveLength(3);
    const second = await org.call('GET', `/api/v1/suppliers?limit=3&cursor=${first.body.nextCursor}`);
    expect(second.body.data).toHaveLength(1);
    expect(second.body.nextCursor).toBeNull();
    expect(new Set([...first.body.data, ...second.body.data].map((s: { id: string }) => s.id)).size).toBe(4);
    expect((await org.call('GET', '/api/v1/suppliers?cursor=nonsense')).status).toBe(400);
  });

  it('refuses bad input with 400s naming the fields', async () => {
    const org = await organisation();
    const cases: [Record<string, unknown>, string][] = [
      [{ name: '', tier: 'high', role: 'reseller' }, 'name'],
      [{ name: 'x'.repeat(201), tier: 'high', role: 'reseller' }, 'name'],
      [{ name: 'X', tier: 'urgent', role: 'reseller' }, 'tier'],
      [{ name: 'X', tier: 'high', role: 'vendor' }, 'role'],
      [{ name: 'X', tier: 'high', role: 'reseller', website: 'javascript:alert(1)' }, 'website'],
      [{ name: 'X', tier: 'high', role: 'reseller', domains: Array.from({ length: 51 }, (_, i) => `d${i}.example`) }, 'domains'],
      [{ name: 'X', tier: 'high', role: 'reseller', domains: ['not a domain'] }, 'domains'],
      [{ name: 'X', tier: 'high', role: 'reseller', tags: Array.from({ length: 51 }, (_, i) => `t${i}`) }, 'tags'],
      [{ name: 'X', tier: 'high', role: 'reseller', tags: ['x'.repeat(51)] }, 'tags'],
      [{ name: 'X', tier: 'high', role: 'reseller', ownerUserId: 'me' }, 'ownerUserId'],
      [{ name: 'X', tier: 'high', role: 'reseller', companyNumber: '<script>' }, 'companyNumber'],
      [{ name: 'X', tier: 'high', role: 'reseller', status: 'offboarded' }, 'status'],
    ];
    for (const [body, field] of cases) {
      const response = await org.call('POST', '/api/v1/suppliers', body);
      expect(response.status).toBe(400);
      expect(response.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    expect((await org.call('GET', '/api/v1/suppliers/not-a-uuid')).status).toBe(400);
    expect((await org.call('GET', '/api/v1/suppliers?tier=urgent')).status).toBe(400);
    expect((await org.call('GET', `/api/v1/suppliers?q=${'x'.repeat(101)}`)).status).toBe(400);
  });

  it('a supplier’s internal owner is a member of the organisation: not another organisation’s user, nor a removed member', async () => {
    const org = await organisation();
    const other = await organisation();
    const member = await inviteMember(owner, org.accessToken, 'assessor');
    const projected = (userId: string, removed: boolean) =>
      waitFor(
        async () =>
          (await owner.query(`select 1 from assessments.members where tenant_id = $1 and id = $2 and removed = $3`, [org.tenantId, userId, removed])).length ===
          1,
        'the membership to reach the assessments service',
      );
    await projected(member.userId, false);
    const refusal = { status: 400, field: 'ownerUserId' };
    const outcome = (answer: { status: number; body: { errors?: { field: string }[] } }) => ({ status: answer.status, field: answer.body.errors?.[0]?.field });

    const owned = await org.call('POST', '/api/v1/suppliers', { name: 'Owned Supplier', tier: 'high', role: 'reseller', ownerUserId: member.userId });
    expect(owned.status).toBe(201);
    expect(outcome(await org.call('POST', '/api/v1/suppliers', { name: 'Foreign Owner', tier: 'high', role: 'reseller', ownerUserId: other.user.id }))).toEqual(
      refusal,
    );
    expect(outcome(await org.call('PATCH', `/api/v1/suppliers/${owned.body.id}`, { ownerUserId: other.user.id }))).toEqual(refusal);
    const graph = await graphql(
      'mutation ($input: CreateSupplierInput!) { createSupplier(input: $input) { id } }',
      { input: { name: 'Graph Foreign Owner', tier: 'low', role: 'reseller', ownerUserId: other.user.id } },
      org.auth,
    );
    expect(graph.body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');

    expect((await org.call('DELETE', `/api/v1/members/${member.userId}`)).status).toBe(204);
    await projected(member.userId, true);
    expect(outcome(await org.call('POST', '/api/v1/suppliers', { name: 'Former Owner', tier: 'high', role: 'reseller', ownerUserId: member.userId }))).toEqual(
      refusal,
    );
    // Keeping the owner it already has is not a change; the caller may always name themself.
    expect((await org.call('PATCH', `/api/v1/suppliers/${owned.body.id}`, { ownerUserId: member.userId, tags: ['kept'] })).status).toBe(200);
    expect((await org.call('PATCH', `/api/v1/suppliers/${owned.body.id}`, { ownerUserId: org.user.id })).status).toBe(200);
    expect((await org.call('GET', `/api/v1/suppliers?limit=100`)).body.data.map((s: { name: string }) => s.name)).toEqual(['Owned Supplier']);
  });

  it('keeps at most one Senior Responsible Owner per supplier, and manages contacts and products', async () => {
    const org = await organisation();
    const supplier = await createSupplier(org);
    const sro = await createContact(org, supplier.id, { isSeniorResponsibleOwner: true, role: 'CTO' });
    const other = await createContact(org, supplier.id);
    const second = await org.call('POST', `/api/v1/suppliers/${supplier.id}/contacts`, {
      name: 'Two',
      email: 'two@supplier.test',
      isSeniorResponsibleOwner: true,
    });
    expect(second.status).toBe(409);
    expect((await org.call('PATCH', `/api/v1/suppliers/${supplier.id}/contacts/${other.id}`, { isSeniorResponsibleOwner: true })).status).toBe(409);
    expect((await org.call('PATCH', `/api/v1/suppliers/${supplier.id}/contacts/${sro.id}`, { isSeniorResponsibleOwner: false })).status).toBe(200);
    const promoted = await org.call('PATCH', `/api/v1/suppliers/${supplier.id}/contacts/${other.id}`, { isSeniorResponsibleOwner: true, role: 'CISO' });
    expect(promoted.body).toMatchObject({ isSeniorResponsibleOwner: true, role: 'CISO' });
    expect((await org.call('POST', `/api/v1/suppliers/${supplier.id}/contacts`, { name: 'Bad', email: 'not-an-email' })).status).toBe(400);

    expect((await org.call('DELETE', `/api/v1/suppliers/${supplier.id}/contacts/${sro.id}`)).status).toBe(204);
    const contacts = await org.call('GET', `/api/v1/suppliers/${supplier.id}/contacts`);
    expect(contacts.body.data.map((c: { id: string }) => c.id)).toEqual([other.id]);

    const product = await org.call('POST', `/api/v1/suppliers/${supplier.id}/products`, {
      name: 'Acme Ledger',
      deliveryModel: 'on_premises',
      currentVersion: '4.2.1',
      endOfSupportAt: '2027-06-30T00:00:00Z',
      endOfSupportAnnouncedAt: '2026-01-15T00:00:00Z',
    });
    expect(product.status).toBe(201);
    expect(product.body).toMatchObject({ deliveryModel: 'on_premises', endOfSupportAt: '2027-06-30T00:00:00.000Z' });
    const backwards = await org.call('PATCH', `/api/v1/suppliers/${supplier.id}/products/${product.body.id}`, {
      endOfSupportAnnouncedAt: '2028-01-01T00:00:00Z',
    });
    expect(backwards.status).toBe(400);
    expect(backwards.body.errors[0].field).toBe('endOfSupportAnnouncedAt');
    expect((await org.call('PATCH', `/api/v1/suppliers/${supplier.id}/products/${product.body.id}`, { currentVersion: '4.3.0' })).body.currentVersion).toBe(
      '4.3.0',
    );
    expect((await org.call('POST', `/api/v1/suppliers/${supplier.id}/products`, { name: 'X', deliveryModel: 'cloud' })).status).toBe(400);
    expect((await org.call('POST', `/api/v1/suppliers/${supplier.id}/products`, { name: 'X', deliveryModel: 'saas', endOfSupportAt: 'soon' })).status).toBe(
      400,
    );
    expect((await org.call('DELETE', `/api/v1/suppliers/${supplier.id}/products/${product.body.id}`)).status).toBe(204);
    expect((await org.call('GET', `/api/v1/suppliers/${supplier.id}/products`)).body.data).toEqual([]);
  });

  it('lets viewers read but not write, and API keys only with the right scope', async () => {
    const org = await organisation();
    const supplier = await createSupplier(org);
    const viewer = await addMember(owner, org, 'viewer');
    expect((await gateway('/api/v1/suppliers', { headers: bearer(viewer.accessToken) })).status).toBe(200);
    expect(
      (await gateway('/api/v1/suppliers', { method: 'POST', headers: bearer(viewer.accessToken), json: { name: 'V', tier: 'low', role: 'reseller' } })).status,
    ).toBe(403);
    expect((await gateway(`/api/v1/suppliers/${supplier.id}`, { method: 'DELETE', headers: bearer(viewer.accessToken) })).status).toBe(403);

    const readKey = await apiKey(org, ['suppliers:read']);
    expect((await gateway(`/api/v1/suppliers/${supplier.id}`, { headers: bearer(readKey) })).status).toBe(200);
    expect((await gateway('/api/v1/suppliers', { method: 'POST', headers: bearer(readKey), json: { name: 'K', tier: 'low', role: 'reseller' } })).status).toBe(
      403,
    );
    const otherScope = await apiKey(org, ['assessments:write']);
    expect((await gateway('/api/v1/suppliers', { headers: bearer(otherScope) })).status).toBe(403);
    const writeKey = await apiKey(org, ['suppliers:write']);
    expect((await gateway('/api/v1/suppliers', { method: 'POST', headers: bearer(writeKey), json: { name: 'K', tier: 'low', role: 'reseller' } })).status).toBe(
      201,
    );
  });

  it("never shows or changes another tenant's suppliers, contacts or products", async () => {
    const alpha = await organisation();
    const beta = await organisation();
    const supplier = await createSupplier(alpha, { name: 'Alpha only' });
    const contact = await createContact(alpha, supplier.id);
    const product = await alpha.call('POST', `/api/v1/suppliers/${supplier.id}/products`, { name: 'P', deliveryModel: 'saas' });

    const attempts: [string, string, unknown?][] = [
      ['GET', `/api/v1/suppliers/${supplier.id}`],
      ['PATCH', `/api/v1/suppliers/${supplier.id}`, { name: 'Taken' }],
      ['DELETE', `/api/v1/suppliers/${supplier.id}`],
      ['GET', `/api/v1/suppliers/${supplier.id}/contacts`],
      ['POST', `/api/v1/suppliers/${supplier.id}/contacts`, { name: 'Spy', email: 'spy@example.test' }],
      ['PATCH', `/api/v1/suppliers/${supplier.id}/contacts/${contact.id}`, { name: 'Taken' }],
      ['DELETE', `/api/v1/suppliers/${supplier.id}/contacts/${contact.id}`],
      ['GET', `/api/v1/suppliers/${supplier.id}/products`],
      ['POST', `/api/v1/suppliers/${supplier.id}/products`, { name: 'Spy', deliveryModel: 'saas' }],
      ['PATCH', `/api/v1/suppliers/${supplier.id}/products/${product.body.id}`, { name: 'Taken' }],
      ['DELETE', `/api/v1/suppliers/${supplier.id}/products/${product.body.id}`],
    ];
    for (const [method, path, json] of attempts) expect([method, path, (await beta.call(method, path, json)).status]).toEqual([method, path, 404]);
    expect((await beta.call('GET', '/api/v1/suppliers?q=alpha')).body.data).toEqual([]);

    expect((await alpha.call('GET', `/api/v1/suppliers/${supplier.id}`)).body).toMatchObject({ name: 'Alpha only', status: 'active' });
    expect((await alpha.call('GET', `/api/v1/suppliers/${supplier.id}/contacts`)).body.data).toMatchObject([{ id: contact.id, name: 'Casey Contact' }]);
    expect((await alpha.call('GET', `/api/v1/suppliers/${supplier.id}/products`)).body.data).toMatchObject([{ id: product.body.id, name: 'P' }]);
  });
});
