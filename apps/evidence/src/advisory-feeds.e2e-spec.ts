import { newId } from '@assay/shared/database';
import { bearer, gateway, signupTenant } from '@assay/shared/testing';

describe('advisory feeds through the gateway', () => {
  it('registers, lists and removes a tenant’s feeds; refuses bad input, duplicates and unsafe targets; keeps tenants apart', async () => {
    const org = await signupTenant();
    const other = await signupTenant();
    const asOrg = bearer(org.accessToken);
    const post = (json: unknown, headers = asOrg) => gateway('/api/v1/advisory-feeds', { method: 'POST', json, headers });

    const osv = await post({ url: 'https://advisories.example/osv/all.json', format: 'osv' });
    expect(osv.status).toBe(201);
    expect(osv.body).toEqual({
      id: expect.any(String),
      url: 'https://advisories.example/osv/all.json',
      format: 'osv',
      status: 'ok',
      lastPolledAt: null,
      lastError: null,
      nextPollAt: expect.any(String),
      createdAt: expect.any(String),
    });
    const kev = await post({ url: 'https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json', format: 'kev' });
    expect(kev.status).toBe(201);
    // The same URL in another format is another feed; in the same format it is a conflict.
    expect((await post({ url: 'https://advisories.example/osv/all.json', format: 'kev' })).status).toBe(201);
    const duplicate = await post({ url: 'https://advisories.example/osv/all.json', format: 'osv' });
    expect(duplicate.status).toBe(409);
    expect(duplicate.headers.get('content-type')).toMatch(/application\/problem\+json/);

    // Bad input: a problem document naming the field; unsafe targets are refused before anything is kept.
    const badFormat = await post({ url: 'https://advisories.example/x.json', format: 'rss' });
    expect(badFormat.status).toBe(400);
    expect(JSON.stringify(badFormat.body.errors)).toContain('format');
    expect((await post({ format: 'osv' })).status).toBe(400);
    expect((await post({ url: 'https://advisories.example/x.json', format: 'osv', extra: true })).status).toBe(400);
    const credentials = await post({ url: 'https://user:secret@advisories.example/x.json', format: 'osv' });
    expect(credentials.status).toBe(422);
    expect(credentials.body.errors[0].field).toBe('url');
    expect((await post({ url: 'file:///etc/passwd', format: 'osv' })).status).toBe(422);

    const listed = await gateway('/api/v1/advisory-feeds', { headers: asOrg });
    expect(listed.status).toBe(200);
    expect(listed.body.items).toHaveLength(3);
    expect(listed.body.items.map((feed: { id: string }) => feed.id)).toContain(osv.body.id);

    // Another tenant sees none of them and cannot remove one.
    expect((await gateway('/api/v1/advisory-feeds', { headers: bearer(other.accessToken) })).body.items).toEqual([]);
    expect((await gateway(`/api/v1/advisory-feeds/${osv.body.id}`, { method: 'DELETE', headers: bearer(other.accessToken) })).status).toBe(404);

    // Reading needs evidence:read, changing needs evidence:write.
    const readKey = await gateway('/api/v1/api-keys', { method: 'POST', json: { name: 'read', scopes: ['evidence:read'] }, headers: asOrg });
    expect((await gateway('/api/v1/advisory-feeds', { headers: bearer(readKey.body.key) })).status).toBe(200);
    expect((await post({ url: 'https://advisories.example/y.json', format: 'osv' }, bearer(readKey.body.key))).status).toBe(403);
    expect((await gateway('/api/v1/advisory-feeds', { headers: {} })).status).toBe(401);

    expect((await gateway(`/api/v1/advisory-feeds/${osv.body.id}`, { method: 'DELETE', headers: asOrg })).status).toBe(204);
    expect((await gateway(`/api/v1/advisory-feeds/${osv.body.id}`, { method: 'DELETE', headers: asOrg })).status).toBe(404);
    expect((await gateway(`/api/v1/advisory-feeds/${newId()}`, { method: 'DELETE', headers: asOrg })).status).toBe(404);
    expect((await gateway('/api/v1/advisory-feeds/not-a-uuid', { method: 'DELETE', headers: asOrg })).status).toBe(404);
    expect((await gateway('/api/v1/advisory-feeds', { headers: asOrg })).body.items).toHaveLength(2);
  });
});
