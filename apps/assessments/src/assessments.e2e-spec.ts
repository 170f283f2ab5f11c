import { canonicalJson } from '@assay/shared/contracts';
import { bearer, gateway, mailText, ownerDataSourceForFile, waitForMail } from '@assay/shared/testing';
import { createHash } from 'node:crypto';
import {
  ATTESTATION,
  Organisation,
  addMember,
  apiKey,
  createSupplier,
  inDays,
  organisation,
  portal,
  sentAssessment as sentWith,
  waitFor,
} from './assessments-test-kit';

const sentAssessment = (org: Organisation, role?: string) => sentWith(owner, org, role);

const owner = ownerDataSourceForFile();

describe('assessments', () => {
  it('creates a draft with the claims that apply to the supplier role', async () => {
    const org = await organisation();
    const counts: Record<string, string[]> = {};
    for (const role of ['developer_distributor', 'reseller', 'developer_only']) {
      const supplier = await createSupplier(org, { role });
      const created = await org.call('POST', '/api/v1/assessments', { supplierId: supplier.id, dueAt: inDays(30) });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ status: 'draft', framework: { key: 'uk-sscop', version: '2025-05-07' }, overdue: false, answeredCount: 0 });
      counts[role] = created.body.claims.map((c: { id: string }) => c.id);
      expect(created.body.claimCount).toBe(created.body.claims.length);
    }
    expect(counts['developer_distributor']).toHaveLength(45);
    expect(counts['reseller']!.every((id) => /^[34]\./.test(id))).toBe(true);
    expect(counts['developer_only']!.some((id) => id.startsWith('4.'))).toBe(false);
    expect(counts['developer_only']!.some((id) => id.startsWith('1.'))).toBe(true);

    const supplier = await createSupplier(org);
    const refusals: [unknown, number][] = [
      [{ supplierId: supplier.id, dueAt: inDays(-1) }, 400],
      [{ supplierId: supplier.id, dueAt: 'tomorrow' }, 400],
      [{ supplierId: supplier.id, dueAt: inDays(30), framework: 'nist-ssdf' }, 400],
      [{ supplierId: supplier.id, dueAt: inDays(30), productId: '0190a3f0-0000-7000-8000-000000000000' }, 404],
      [{ supplierId: '0190a3f0-0000-7000-8000-000000000000', dueAt: inDays(30) }, 404],
      [{ supplierId: supplier.id, dueAt: inDays(30), extra: 1 }, 400],
    ];
    for (const [json, status] of refusals) expect((await org.call('POST', '/api/v1/assessments', json)).status).toBe(status);
    await org.call('DELETE', `/api/v1/suppliers/${supplier.id}`);
    expect((await org.call('POST', '/api/v1/assessments', { supplierId: supplier.id, dueAt: inDays(30) })).status).toBe(409);
  });

  it('lists by supplier, status and overdue', async () => {
    const org = await organisation();
    const { supplier, assessment } = await sentAssessment(org);
    const draft = await org.call('POST', '/api/v1/assessments', { supplierId: supplier.id, dueAt: inDays(10) });
    await owner.query(`update assessments.assessments set due_at = now() - interval '1 day' where id = $1`, [assessment.id]);
    const ids = async (query: string) => (await org.call('GET', `/api/v1/assessments?${query}`)).body.data.map((a: { id: string }) => a.id);
    expect(await ids(`supplierId=${supplier.id}`)).toEqual([draft.body.id, assessment.id]);
    expect(await ids('status=draft')).toEqual([draft.body.id]);
    expect(await ids('overdue=true')).toEqual([assessment.id]);
    expect(await ids('overdue=false')).toEqual([draft.body.id]);
    expect((await org.call('GET', `/api/v1/assessments/${assessment.id}`)).body.overdue).toBe(true);
    expect((await org.call('GET', '/api/v1/assessments?status=lost')).status).toBe(400);
  });

  it('sends with one portal link per contact, carried by assessment.sent, and emails it', async () => {
    const org = await organisation();
    const { supplier, contact, assessment, event, token } = await sentAssessment(org);
    expect(token).toMatch(/^assay_portal_[A-Za-z0-9_-]{64}$/);
    expect(event.data).toMatchObject({
      assessmentId: assessment.id,
      supplierId: supplier.id,
      supplierName: supplier.name,
      status: 'sent',
      dueAt: assessment.dueAt,
      internalOwnerUserId: org.user.id,
      seniorResponsibleOwner: { contactId: contact.id, email: contact.email, isSeniorResponsibleOwner: true },
      recipients: [{ contactId: contact.id, email: contact.email, isSeniorResponsibleOwner: true, portalUrl: expect.stringMatching(/^sealed:v1\./) }],
    });
    // The link travels sealed: neither the outbox row nor the queued event holds the token in plaintext.
    expect(JSON.stringify(event)).not.toContain(token);
    const [stored] = await owner.query(`select token_hash from assessments.portal_tokens where assessment_id = $1`, [assessment.id]);
    expect(stored.token_hash).toBe(createHash('sha256').update(token).digest('hex'));

    const mail = await waitForMail((messages) => messages.some((m) => m.to.includes(contact.email)));
    const emailed = /assay_portal_[A-Za-z0-9_-]{64}/.exec(mailText(mail.find((m) => m.to.includes(contact.email))!.raw))?.[0] as string;
    expect(emailed).toBe(token);
    const viewed = await portal(emailed).get();
    expect(viewed.status).toBe(200);
    expect(viewed.body).toMatchObject({
      id: assessment.id,
      status: 'sent',
      supplier: { id: supplier.id, name: supplier.name },
      customerName: org.organisationName,
    });

    const link = await org.call('POST', `/api/v1/assessments/${assessment.id}/portal-links`, { contactId: contact.id });
    expect(link.status).toBe(201);
    expect(link.body.url).toContain(`/portal?token=${link.body.token}`);
    expect((await portal(link.body.token).get()).body.id).toBe(assessment.id);
  });

  it('takes answers through the portal and refuses submission until every claim is answered', async () => {
    const org = await organisation();
    const { assessment, token, claimIds } = await sentAssessment(org);
    const supplier = portal(token);
    const first = claimIds[0] as string;

    const missing = await supplier.answer(first, { answer: 'not_applicable' });
    expect(missing.status).toBe(400);
    expect(missing.body.errors[0].field).toBe('justification');
    expect((await supplier.answer(first, { answer: 'maybe' })).status).toBe(400);
    expect((await supplier.answer('9.9.9', { answer: 'met' })).status).toBe(404);
    expect((await supplier.answer('1.1.1', { answer: 'met' })).status).toBe(404); // theme 1 does not apply to resellers
    expect((await supplier.answer(first, { answer: 'met', evidenceIds: ['nope'] })).status).toBe(400);

    const answered = await supplier.answer(first, { answer: 'met' });
    expect(answered.status).toBe(200);
    expect(answered.body.status).toBe('in_progress');
    const refused = await supplier.submit({ attestation: ATTESTATION });
    expect(refused.status).toBe(409);
    expect(refused.body.unansweredClaimIds).toEqual(claimIds.slice(1));
    expect((await supplier.submit({ attestation: { ...ATTESTATION, statement: false } })).status).toBe(400);
    expect((await supplier.submit({})).status).toBe(400);

    for (const [index, claimId] of claimIds.entries()) {
      const answer = index % 3 === 0 ? 'met' : index % 3 === 1 ? 'partially_met' : 'not_met';
      expect(
        (
          await supplier.answer(claimId, {
            answer,
            justification: answer === 'not_met' ? 'Planned for Q3' : undefined,
            evidenceIds: index === 1 ? ['0190a3f0-0000-7000-8000-00000000000b', '0190a3f0-0000-7000-8000-00000000000a'] : undefined,
          })
        ).status,
      ).toBe(200);
    }
    const submitted = await supplier.submit({ attestation: ATTESTATION });
    expect(submitted.status).toBe(200);
    expect(submitted.body.status).toBe('submitted');

    const detail = (await org.call('GET', `/api/v1/assessments/${assessment.id}`)).body;
    // Canonical form 2: evidence by id with its SHA-256 (null here: no evidence service ever saw these ids).
    const document = detail.claims.map((claim: { id: string; response: { answer: string; justification: string | null; evidenceIds: string[] } }) => ({
      claimId: claim.id,
      answer: claim.response.answer,
      justification: claim.response.justification,
      evidence: [...claim.response.evidenceIds].sort().map((id) => ({ id, sha256: null })),
    }));
    expect(detail.attestation).toMatchObject({
      name: 'Sam Signer',
      email: 'sam@supplier.test',
      canonicalVersion: 2,
      responsesSha256: createHash('sha256').update(canonicalJson(document)).digest('hex'),
    });
    expect(submitted.body.attestation.responsesSha256).toBe(detail.attestation.responsesSha256);

    // Submitted: nothing changes any more through the portal.
    const change = await supplier.answer(first, { answer: 'not_met', justification: 'changed my mind' });
    expect(change.status).toBe(409);
    expect((await supplier.submit({ attestation: ATTESTATION })).status).toBe(409);
    expect((await org.call('GET', `/api/v1/assessments/${assessment.id}`)).body.claims[0].response.answer).toBe('met');
    const events = await owner.query(`select type from assessments.outbox where payload->'data'->>'assessmentId' = $1 order by created_at, id`, [
      assessment.id,
    ]);
    expect(events.map((e: { type: string }) => e.type)).toEqual(['assessment.created', 'assessment.sent', 'assessment.submitted']);
  });

  it('refuses illegal transitions with 409 and closes portal links on cancellation', async () => {
    const org = await organisation();
    const { assessment, token } = await sentAssessment(org);
    expect((await org.call('POST', `/api/v1/assessments/${assessment.id}/send`, {})).status).toBe(409);
    const draft = await org.call('POST', '/api/v1/assessments', { supplierId: assessment.supplierId, dueAt: inDays(20) });
    const contacts = (await org.call('GET', `/api/v1/suppliers/${assessment.supplierId}/contacts`)).body.data;
    expect((await org.call('POST', `/api/v1/assessments/${draft.body.id}/portal-links`, { contactId: contacts[0].id })).status).toBe(409);
    expect((await org.call('POST', `/api/v1/assessments/${draft.body.id}/send`, { contactIds: ['0190a3f0-0000-7000-8000-000000000000'] })).status).toBe(404);

    const cancelled = await org.call('POST', `/api/v1/assessments/${assessment.id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect((await org.call('POST', `/api/v1/assessments/${assessment.id}/cancel`)).status).toBe(409);
    expect((await org.call('POST', `/api/v1/assessments/${assessment.id}/send`, {})).status).toBe(409);
    expect((await org.call('POST', `/api/v1/assessments/${assessment.id}/portal-links`, { contactId: contacts[0].id })).status).toBe(409);
    expect((await portal(token).get()).status).toBe(401);
    const [event] = await owner.query(`select payload from assessments.outbox where type = 'assessment.cancelled' and payload->'data'->>'assessmentId' = $1`, [
      assessment.id,
    ]);
    expect(event.payload.data).toMatchObject({ status: 'cancelled', supplierId: assessment.supplierId });

    const supplierless = await createSupplier(org);
    const lonely = await org.call('POST', '/api/v1/assessments', { supplierId: supplierless.id, dueAt: inDays(20) });
    expect((await org.call('POST', `/api/v1/assessments/${lonely.body.id}/send`, {})).status).toBe(409);
  });

  it('binds a portal token to its own assessment; revoked, expired or forged tokens get 401', async () => {
    const org = await organisation();
    const first = await sentAssessment(org);
    const second = await sentAssessment(org);
    expect((await portal(first.token).get()).body.id).toBe(first.assessment.id);
    expect((await portal(first.token).answer(second.claimIds[0] as string, { answer: 'met' })).body.claimId).toBe(second.claimIds[0]);
    expect((await org.call('GET', `/api/v1/assessments/${second.assessment.id}`)).body.answeredCount).toBe(0);
    // Customer routes are not for portal tokens.
    for (const path of [`/api/v1/assessments/${first.assessment.id}`, '/api/v1/suppliers', `/api/v1/assessments/${second.assessment.id}`]) {
      expect((await gateway(path, { headers: bearer(first.token) })).status).toBe(403);
    }

    const links = (await org.call('GET', `/api/v1/assessments/${first.assessment.id}/portal-links`)).body.data;
    expect(links).toHaveLength(1);
    expect((await org.call('DELETE', `/api/v1/assessments/${first.assessment.id}/portal-links/${links[0].id}`)).status).toBe(204);
    expect((await portal(first.token).get()).status).toBe(401);

    await owner.query(`update assessments.portal_tokens set expires_at = now() - interval '1 second' where assessment_id = $1`, [second.assessment.id]);
    expect((await portal(second.token).get()).status).toBe(401);

    const forged = `${second.token.slice(0, -4)}AAAA`;
    expect((await portal(forged).get()).status).toBe(401);
    expect((await portal('assay_portal_short').get()).status).toBe(401);
  });

  it('checks roles and scopes', async () => {
    const org = await organisation();
    const supplier = await createSupplier(org);
    const viewer = await addMember(owner, org, 'viewer');
    expect(
      (await gateway('/api/v1/assessments', { method: 'POST', headers: bearer(viewer.accessToken), json: { supplierId: supplier.id, dueAt: inDays(9) } }))
        .status,
    ).toBe(403);
    expect((await gateway('/api/v1/assessments', { headers: bearer(viewer.accessToken) })).status).toBe(200);
    const readKey = await apiKey(org, ['assessments:read']);
    expect(
      (await gateway('/api/v1/assessments', { method: 'POST', headers: bearer(readKey), json: { supplierId: supplier.id, dueAt: inDays(9) } })).status,
    ).toBe(403);
    const writeKey = await apiKey(org, ['assessments:write']);
    expect(
      (await gateway('/api/v1/assessments', { method: 'POST', headers: bearer(writeKey), json: { supplierId: supplier.id, dueAt: inDays(9) } })).status,
    ).toBe(201);
  });

  it("never shows or changes another tenant's assessments", async () => {
    const alpha = await organisation();
    const beta = await organisation();
    const { assessment, contact, supplier } = await sentAssessment(alpha);
    const attempts: [string, string, unknown?][] = [
      ['GET', `/api/v1/assessments/${assessment.id}`],
      ['POST', `/api/v1/assessments/${assessment.id}/send`, {}],
      ['POST', `/api/v1/assessments/${assessment.id}/cancel`],
      ['POST', `/api/v1/assessments/${assessment.id}/portal-links`, { contactId: contact.id }],
      ['GET', `/api/v1/assessments/${assessment.id}/portal-links`],
      ['POST', '/api/v1/assessments', { supplierId: supplier.id, dueAt: inDays(5) }],
    ];
    for (const [method, path, json] of attempts) expect([method, path, (await beta.call(method, path, json)).status]).toEqual([method, path, 404]);
    expect((await beta.call('GET', `/api/v1/assessments?supplierId=${supplier.id}`)).body.data).toEqual([]);
    const betaSupplier = await createSupplier(beta);
    const betaDraft = await beta.call('POST', '/api/v1/assessments', { supplierId: betaSupplier.id, dueAt: inDays(5) });
    expect((await beta.call('POST', `/api/v1/assessments/${betaDraft.body.id}/send`, { contactIds: [contact.id] })).status).toBe(404);
    const still = await alpha.call('GET', `/api/v1/assessments/${assessment.id}`);
    expect(still.body).toMatchObject({ status: 'sent' });
    expect((await alpha.call('GET', `/api/v1/assessments/${assessment.id}/portal-links`)).body.data).toHaveLength(1);
    await waitFor(async () => (await owner.query(`select 1 from assessments.tenants where id = $1`, [alpha.tenantId])).length > 0, 'tenant projection');
  });
});
