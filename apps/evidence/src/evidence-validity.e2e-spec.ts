import { bearer, gateway, graphql, signupTenant, waitFor } from '@assay/shared/testing';
import { evidenceTestDatabases, fixture, form, sentAssessment, settledEvidence } from './evidence-test-kit';

/*
 * Document validity: a policy (its content gives no date) expires on the date its submitter gives; a
 * document whose content gives a date expires at the earlier of the two; a customer moves or clears
 * the date; `evidence.expiring` fires at the tenant's notice and `evidence.expired` once each.
 */

const DAY = 86_400_000;
const policy = fixture('express-security-policy.md');
const securityTxt = fixture('security.txt');

const UPDATE = `mutation Update($id: ID!, $input: UpdateEvidenceInput!) {
  updateEvidence(id: $id, input: $input) { id title validFrom validUntil supersedes supersededBy }
}`;

describe('document validity', () => {
  const kit = evidenceTestDatabases();
  const inDays = (days: number) => new Date(Date.now() + days * DAY).toISOString();

  const events = async (tenantId: string, type: string): Promise<Record<string, unknown>[]> =>
    (await kit.owner.query(`select payload from evidence.outbox where tenant_id = $1 and type = $2 order by id`, [tenantId, type])).map(
      (row: { payload: { data: Record<string, unknown> } }) => row.payload.data,
    );
  const eventsOf = async (tenantId: string, type: string, evidenceId: string) =>
    (await events(tenantId, type)).filter((data) => data['evidenceId'] === evidenceId);

  it('takes validFrom, validUntil and title on upload; a document without a date of its own expires then; bad periods are refused', async () => {
    const org = await signupTenant();
    const supplierId = await kit.supplier(org.tenant.id, 'Policy Partners');
    const validFrom = '2026-01-01T00:00:00.000Z';
    const validUntil = inDays(400);
    const upload = (fields: Record<string, string>, file = policy, name = 'SECURITY.md') =>
      gateway('/api/v1/evidence', { method: 'POST', body: form({ supplierId, kind: 'policy', ...fields }, file, name), headers: bearer(org.accessToken) });

    const accepted = await upload({ validFrom, validUntil, title: 'Security policy 2026' });
    expect(accepted.status).toBe(202);
    const settled = await settledEvidence(org.accessToken, accepted.body.id);
    expect(settled).toMatchObject({
      status: 'processed',
      kind: 'policy',
      title: 'Security policy 2026',
      validFrom,
      validUntil,
      supersedes: null,
      supersededBy: null,
    });

    // A document whose content gives a date (security.txt `Expires: 2099-…`) expires at the earlier date.
    const txt = await upload({ validUntil: '2030-06-30T00:00:00Z' }, securityTxt, 'security.txt');
    expect(await settledEvidence(org.accessToken, txt.body.id)).toMatchObject({ kind: 'security_txt', validUntil: '2030-06-30T00:00:00.000Z' });

    // validUntil before validFrom, or not a date: a problem document naming the field, and nothing stored.
    const before = (await kit.owner.query(`select count(*)::int as n from evidence.evidence where tenant_id = $1`, [org.tenant.id]))[0].n;
    const reversed = await upload({ validFrom: '2027-01-01', validUntil: '2026-12-31', title: 'Backwards' }, Buffer.from('another policy\n'), 'p.txt');
    expect(reversed.status).toBe(400);
    expect(reversed.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(JSON.stringify(reversed.body)).toMatch(/validUntil must not be before validFrom/);
    const garbled = await gateway('/api/v1/evidence', {
      method: 'POST',
      json: { supplierId, url: 'https://supplier.example/policy', validUntil: 'next year' },
      headers: bearer(org.accessToken),
    });
    expect(garbled.status).toBe(400);
    expect(JSON.stringify(garbled.body)).toMatch(/validUntil/);
    const after = (await kit.owner.query(`select count(*)::int as n from evidence.evidence where tenant_id = $1`, [org.tenant.id]))[0].n;
    expect(after).toBe(before);

    // The customer changes the title and clears the declared date: the policy then never expires.
    const patched = await gateway(`/api/v1/evidence/${accepted.body.id}`, {
      method: 'PATCH',
      json: { title: 'Security policy (reviewed)', validUntil: null },
      headers: bearer(org.accessToken),
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ title: 'Security policy (reviewed)', validUntil: null, validFrom });
    // A validUntil before the stored validFrom is refused and changes nothing.
    const early = await gateway(`/api/v1/evidence/${accepted.body.id}`, {
      method: 'PATCH',
      json: { validUntil: '2025-06-01' },
      headers: bearer(org.accessToken),
    });
    expect(early.status).toBe(400);
    expect((await gateway(`/api/v1/evidence/${accepted.body.id}`, { headers: bearer(org.accessToken) })).body).toMatchObject({ validUntil: null });
    // The security.txt cannot be extended past what its content says, only brought forward.
    const later = await gateway(`/api/v1/evidence/${txt.body.id}`, { method: 'PATCH', json: { validUntil: null }, headers: bearer(org.accessToken) });
    expect(later.body.validUntil).toBe('2099-12-31T23:59:59.000Z');

    // Over GraphQL too; another tenant's id is not found and unknown fields are refused.
    const graphed = await graphql(UPDATE, { id: accepted.body.id, input: { title: 'Policy v3' } }, bearer(org.accessToken));
    expect(graphed.body.errors).toBeUndefined();
    expect(graphed.body.data.updateEvidence).toMatchObject({ id: accepted.body.id, title: 'Policy v3', validFrom, validUntil: null });
    const other = await signupTenant();
    const foreign = await gateway(`/api/v1/evidence/${accepted.body.id}`, { method: 'PATCH', json: { title: 'Mine now' }, headers: bearer(other.accessToken) });
    expect(foreign.status).toBe(404);
    const foreignGraph = await graphql(UPDATE, { id: accepted.body.id, input: { title: 'Mine now' } }, bearer(other.accessToken));
    expect(foreignGraph.body.errors?.[0]?.message).toMatch(/not found/i);
    const unknownField = await gateway(`/api/v1/evidence/${accepted.body.id}`, { method: 'PATCH', json: { kind: 'sbom' }, headers: bearer(org.accessToken) });
    expect(unknownField.status).toBe(400);
    expect((await gateway(`/api/v1/evidence/${accepted.body.id}`, { headers: bearer(org.accessToken) })).body.title).toBe('Policy v3');
  });

  it('takes the validity and title through the supplier portal too (multipart and JSON), and refuses a reversed period there', async () => {
    const org = await signupTenant();
    const sent = await sentAssessment(kit.owner, org.accessToken);
    const portal = { authorization: `Bearer ${sent.token}` };
    const validUntil = inDays(200);
    const uploaded = await gateway('/api/v1/portal/assessment/evidence', {
      method: 'POST',
      body: form({ kind: 'policy', validUntil, title: 'Pentest letter 2026', claimIds: '1.2.1' }, policy, 'SECURITY.md'),
      headers: portal,
    });
    expect(uploaded.status).toBe(202);
    expect(await settledEvidence(org.accessToken, uploaded.body.id)).toMatchObject({ kind: 'policy', title: 'Pentest letter 2026', validUntil });
    const reversed = await gateway('/api/v1/portal/assessment/evidence', {
      method: 'POST',
      json: { url: 'https://supplier.example/letter.pdf', validFrom: '2027-02-01', validUntil: '2027-01-01' },
      headers: portal,
    });
    expect(reversed.status).toBe(400);
    expect(JSON.stringify(reversed.body)).toMatch(/validUntil must not be before validFrom/);
    // The supplier cannot change validity afterwards: PATCH is a customer route.
    const patched = await gateway(`/api/v1/evidence/${uploaded.body.id}`, { method: 'PATCH', json: { validUntil: inDays(900) }, headers: portal });
    expect(patched.status).toBe(403);
  });

  it("warns at the tenant's evidenceExpiryNoticeDays, announces expiry once, and announces a moved date afresh", async () => {
    const org = await signupTenant();
    const supplierId = await kit.supplier(org.tenant.id, 'Notice Ltd');
    const settings = await gateway('/api/v1/tenant', {
      method: 'PATCH',
      json: { settings: { evidenceExpiryNoticeDays: 5 } },
      headers: bearer(org.accessToken),
    });
    expect(settings.status).toBe(200);
    expect(settings.body.settings.evidenceExpiryNoticeDays).toBe(5);
    await waitFor(
      async () => (await kit.owner.query(`select expiry_notice_days from evidence.tenants where tenant_id = $1`, [org.tenant.id]))[0]?.expiry_notice_days === 5,
      'the tenant settings projection',
    );
    const upload = async (validUntil: string, title: string, body: Buffer) => {
      const accepted = await gateway('/api/v1/evidence', {
        method: 'POST',
        body: form({ supplierId, kind: 'policy', validUntil, title }, body, `${title}.txt`),
        headers: bearer(org.accessToken),
      });
      expect(accepted.status).toBe(202);
      return (await settledEvidence(org.accessToken, accepted.body.id)).id as string;
    };
    // Ten days out is beyond a 5-day notice (the default 30 would warn); three days out is within it.
    const distant = await upload(inDays(10), 'distant', Buffer.from('Access control policy, distant\n'));
    const near = await upload(inDays(3), 'near', Buffer.from('Access control policy, near\n'));
    const [warned] = await waitFor(async () => {
      const found = await eventsOf(org.tenant.id, 'evidence.expiring', near);
      return found.length > 0 ? found : null;
    }, 'evidence.expiring');
    expect(warned).toMatchObject({ evidenceId: near, supplierId, supplierName: 'Notice Ltd', kind: 'policy', title: 'near' });
    // Announcements go out in validUntil order, so the distant one would have been in the same batch.
    expect(await eventsOf(org.tenant.id, 'evidence.expiring', distant)).toEqual([]);

    // The customer brings the distant one's date into the past: one evidence.expired, no more on later ticks.
    const moved = await gateway(`/api/v1/evidence/${distant}`, { method: 'PATCH', json: { validUntil: inDays(-1) }, headers: bearer(org.accessToken) });
    expect(moved.status).toBe(200);
    await waitFor(async () => (await eventsOf(org.tenant.id, 'evidence.expired', distant)).length === 1, 'evidence.expired');
    // Moving the near one's date ahead (still inside the notice) warns again for the new date.
    await gateway(`/api/v1/evidence/${near}`, { method: 'PATCH', json: { validUntil: inDays(4) }, headers: bearer(org.accessToken) });
    await waitFor(async () => (await eventsOf(org.tenant.id, 'evidence.expiring', near)).length === 2, 'evidence.expiring for the moved date');
    // Several ticks (300 ms each in tests) add nothing.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await eventsOf(org.tenant.id, 'evidence.expired', distant)).toHaveLength(1);
    expect(await eventsOf(org.tenant.id, 'evidence.expiring', near)).toHaveLength(2);
    expect(await eventsOf(org.tenant.id, 'evidence.expiring', distant)).toEqual([]);
  });
});
