import { SinkMessage, bearer, emitEvent, gateway, mailSubject, mailText, signupTenant, waitFor, waitForMail } from '@assay/shared/testing';
import { createHash } from 'node:crypto';
import { evidenceTestDatabases, fixture, form, settledEvidence } from './evidence-test-kit';

/*
 * Renewal without a new assessment: expiring supplier evidence brings the supplier's contacts who
 * received an assessment a renewal link scoped to that evidence; through it the supplier uploads the
 * replacement, which supersedes the old piece, and the open assessment follows the new one. The link
 * does nothing else, and stops working once it has done its work.
 */

const DAY = 86_400_000;
const inDays = (days: number) => new Date(Date.now() + days * DAY).toISOString();
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('renewal links', () => {
  const kit = evidenceTestDatabases();

  it('emails a renewal link for expiring supplier evidence; the replacement supersedes it and the open assessment follows', async () => {
    const org = await signupTenant();
    const call = (method: string, path: string, json?: unknown) => gateway(path, { method, json, headers: bearer(org.accessToken) });
    const supplier = await call('POST', '/api/v1/suppliers', { name: 'Renewal Works', tier: 'high', role: 'developer_distributor' });
    expect(supplier.status).toBe(201);
    const email = `renew-${Math.random().toString(36).slice(2)}@supplier.test`;
    const contact = await call('POST', `/api/v1/suppliers/${supplier.body.id}/contacts`, { name: 'Robin Renewer', email });
    const assessment = await call('POST', '/api/v1/assessments', { supplierId: supplier.body.id, dueAt: inDays(60) });
    expect((await call('POST', `/api/v1/assessments/${assessment.body.id}/send`, {})).status).toBe(200);
    const link = await call('POST', `/api/v1/assessments/${assessment.body.id}/portal-links`, { contactId: contact.body.id });
    const assessmentLink = bearer(link.body.token);
    // The Senior Responsible Owner, named after the assessment went out: no assessment link of their own.
    const sroEmail = `renew-sro-${Math.random().toString(36).slice(2)}@supplier.test`;
    const sro = await call('POST', `/api/v1/suppliers/${supplier.body.id}/contacts`, { name: 'Sam Owner', email: sroEmail, isSeniorResponsibleOwner: true });
    expect(sro.status).toBe(201);
    await waitFor(
      // Sent, not only created: evidence is taken only for an assessment this service knows is open.
      async () => (await kit.owner.query(`select 1 from evidence.assessments where id = $1 and status = 'sent'`, [assessment.body.id])).length === 1,
      'the assessment projection',
    );

    // The supplier's security.txt, declared valid for ten more days, answers claim 3.2.1.
    const uploaded = await gateway('/api/v1/portal/assessment/evidence', {
      method: 'POST',
      body: form({ validUntil: inDays(10), title: 'security.txt 2026' }, fixture('security.txt'), 'security.txt'),
      headers: assessmentLink,
    });
    expect(uploaded.status).toBe(202);
    const old = await settledEvidence(org.accessToken, uploaded.body.id);
    expect(old).toMatchObject({ kind: 'security_txt', status: 'processed' });
    const answered = await gateway('/api/v1/portal/assessment/responses/3.2.1', {
      method: 'PUT',
      json: { answer: 'met', evidenceIds: [old.id] },
      headers: assessmentLink,
    });
    expect(answered.status).toBe(200);
    const checksOf = async (evidenceId: string) =>
      (await kit.owner.query(`select check_key from assessments.check_results where assessment_id = $1 and evidence_id = $2`, [assessment.body.id, evidenceId]))
        .length as number;
    await waitFor(async () => (await checksOf(old.id)) > 0, 'the check results of the old evidence');

    // Expiring within the notice: the contact is emailed a renewal link of their own.
    const renewalMail = (m: SinkMessage) => m.to.includes(email) && mailSubject(m.raw).includes('Please renew');
    const mail = (await waitForMail((messages) => messages.some(renewalMail))).find(renewalMail);
    const text = mailText(mail?.raw ?? '').replace(/\s+/g, ' ');
    expect(text).toContain('security.txt 2026');
    const token = /\/portal\?token=(assay_portal_[A-Za-z0-9_-]+)/.exec(text)?.[1] as string;
    expect(token).toBeTruthy();
    const renewal = bearer(token);
    // Stored as its hash, scoped to the evidence, lasting 30 days past the evidence's end; listed and revocable by the customer.
    const [stored] = await kit.owner.query(`select id, link, evidence_id, contact_id, expires_at from assessments.portal_tokens where token_hash = $1`, [
      sha256(token),
    ]);
    expect(stored).toMatchObject({ link: 'renewal', evidence_id: old.id, contact_id: contact.body.id });
    expect(stored.expires_at.getTime()).toBe(Date.parse(old.validUntil) + 30 * DAY);
    const links = (await call('GET', `/api/v1/assessments/${assessment.body.id}/portal-links`)).body.data;
    expect(links).toEqual(expect.arrayContaining([expect.objectContaining({ id: stored.id, link: 'renewal', evidenceId: old.id, status: 'active' })]));
    // The SRO is emailed a renewal link too, bound to the supplier's assessment.
    const sroMail = (m: SinkMessage) => m.to.includes(sroEmail) && mailSubject(m.raw).includes('Please renew');
    const sroText = mailText((await waitForMail((messages) => messages.some(sroMail))).find(sroMail)?.raw ?? '').replace(/\s+/g, ' ');
    const sroToken = /\/portal\?token=(assay_portal_[A-Za-z0-9_-]+)/.exec(sroText)?.[1] as string;
    const [sroStored] = await kit.owner.query(`select link, evidence_id, contact_id, assessment_id from assessments.portal_tokens where token_hash = $1`, [
      sha256(sroToken),
    ]);
    expect(sroStored).toEqual({ link: 'renewal', evidence_id: old.id, contact_id: sro.body.id, assessment_id: assessment.body.id });

    // What to renew.
    const view = await gateway('/api/v1/portal/renewal', { headers: renewal });
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({
      supplier: { id: supplier.body.id, name: 'Renewal Works' },
      evidence: { id: old.id, kind: 'security_txt', title: 'security.txt 2026', status: 'processed', supersededBy: null },
      renewal: 'expiring',
    });

    // A renewal link can do nothing else: not the assessment, its evidence or its findings, nor any customer route.
    for (const [method, path, json] of [
      ['GET', '/api/v1/portal/assessment'],
      ['PUT', '/api/v1/portal/assessment/responses/3.2.1', { answer: 'not_met', justification: 'no' }],
      ['GET', '/api/v1/portal/assessment/evidence'],
      ['POST', '/api/v1/portal/assessment/evidence', { url: 'https://supplier.example/x' }],
      ['POST', '/api/v1/portal/assessment/submit', {}],
      ['PATCH', `/api/v1/portal/findings/${old.id}`, { remediationPlan: 'x', agreed: true }],
    ] as [string, string, unknown?][]) {
      const refused = await gateway(path, { method, json, headers: renewal });
      expect([path, refused.status]).toEqual([path, 403]);
      expect(refused.headers.get('content-type')).toMatch(/application\/problem\+json/);
    }
    expect((await gateway(`/api/v1/evidence/${old.id}`, { headers: renewal })).status).toBe(403);
    // And an assessment link cannot renew.
    expect((await gateway('/api/v1/portal/renewal', { headers: assessmentLink })).status).toBe(403);

    // Evidence that is not expiring cannot be renewed: a clear problem, nothing changes.
    const count = async () => (await kit.owner.query(`select count(*)::int as n from evidence.evidence where tenant_id = $1`, [org.tenant.id]))[0].n;
    const before = await count();
    const moved = await call('PATCH', `/api/v1/evidence/${old.id}`, { validUntil: inDays(300) });
    expect(moved.status).toBe(200);
    // The new date carries through to what the assessments service derived from the old one: the
    // stored check dates and the report's evidence entry.
    const derivedDates = async () => {
      const checks: { valid_until: Date | null }[] = await kit.owner.query(
        `select valid_until from assessments.check_results where assessment_id = $1 and evidence_id = $2`,
        [assessment.body.id, old.id],
      );
      const report = await call('GET', `/api/v1/assessments/${assessment.body.id}/report`);
      const claim = report.body.claims.find((candidate: { claimId: string }) => candidate.claimId === '3.2.1');
      const entry = claim?.evidence.find((candidate: { id: string }) => candidate.id === old.id);
      return [...new Set([...checks.map((row) => row.valid_until?.toISOString() ?? null), entry?.validUntil])];
    };
    await waitFor(
      async () => JSON.stringify(await derivedDates()) === JSON.stringify([moved.body.validUntil]),
      'the check dates and report following the PATCH',
    );
    expect((await gateway('/api/v1/portal/renewal', { headers: renewal })).body.renewal).toBe('current');
    const early = await gateway('/api/v1/portal/renewal/evidence', {
      method: 'POST',
      body: form({}, fixture('security-signed.txt'), 'security.txt'),
      headers: renewal,
    });
    expect(early.status).toBe(409);
    expect(early.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(early.body.detail).toMatch(/is not expiring/);
    expect(await count()).toBe(before);
    const back = await call('PATCH', `/api/v1/evidence/${old.id}`, { validUntil: inDays(10) });
    expect(back.status).toBe(200);
    await waitFor(async () => JSON.stringify(await derivedDates()) === JSON.stringify([back.body.validUntil]), 'the check dates and report following it back');
    // The same bytes again are no renewal; a reversed period is refused.
    const same = await gateway('/api/v1/portal/renewal/evidence', {
      method: 'POST',
      body: form({}, fixture('security.txt'), 'security.txt'),
      headers: renewal,
    });
    expect(same.status).toBe(409);
    const reversed = await gateway('/api/v1/portal/renewal/evidence', {
      method: 'POST',
      json: { url: 'https://supplier.example/.well-known/security.txt', validFrom: '2027-02-01', validUntil: '2027-01-01' },
      headers: renewal,
    });
    expect(reversed.status).toBe(400);
    expect(await count()).toBe(before);

    // The replacement: it supersedes the old piece and takes over its supplier, claims and title.
    const validUntil = inDays(400);
    const replaced = await gateway('/api/v1/portal/renewal/evidence', {
      method: 'POST',
      body: form({ validUntil }, fixture('security-signed.txt'), 'security.txt'),
      headers: renewal,
    });
    expect(replaced.status).toBe(202);
    const renewed = await settledEvidence(org.accessToken, replaced.body.id);
    expect(renewed).toMatchObject({ supplierId: supplier.body.id, supersedes: old.id, title: 'security.txt 2026', validUntil, assessmentId: null });
    expect((await call('GET', `/api/v1/evidence/${old.id}`)).body).toMatchObject({ status: 'superseded', supersededBy: renewed.id });
    const [event] = await kit.owner.query(`select payload from evidence.outbox where tenant_id = $1 and type = 'evidence.renewed'`, [org.tenant.id]);
    expect(event.payload.data).toEqual({
      evidenceId: renewed.id,
      supersedes: old.id,
      supplierId: supplier.body.id,
      kind: 'security_txt',
      title: 'security.txt 2026',
      contactId: contact.body.id,
    });

    // The open assessment follows: the old piece's checks leave, the new one's arrive, the answer names the new one.
    await waitFor(async () => (await checksOf(old.id)) === 0 && (await checksOf(renewed.id)) > 0, 'the open assessment following the replacement');
    const [response] = await kit.owner.query(`select evidence_ids from assessments.claim_responses where assessment_id = $1 and claim_id = '3.2.1'`, [
      assessment.body.id,
    ]);
    expect(response.evidence_ids).toEqual([renewed.id]);

    // A replayed (or late) `evidence.processed` of the superseded piece brings none of its checks back.
    const [processed] = await kit.owner.query(
      `select payload from evidence.outbox where tenant_id = $1 and type = 'evidence.processed' and payload->'data'->>'evidenceId' = $2`,
      [org.tenant.id, old.id],
    );
    const replayedAt = new Date(Math.max(Date.now(), Date.parse(processed.payload.timestamp) + 1000));
    const replay = await emitEvent(kit.app.database, 'evidence', org.tenant.id, 'evidence.processed', processed.payload.data, replayedAt);
    await waitFor(
      async () =>
        (await kit.owner.query(`select 1 from assessments.evidence_digests where id = $1 and event_at >= $2`, [old.id, replay.timestamp])).length === 1,
      'the replay consumed',
    );
    expect(await checksOf(old.id)).toBe(0);
    expect(await checksOf(renewed.id)).toBeGreaterThan(0);

    // Its work done, the renewal link is revoked.
    await waitFor(
      async () => (await kit.owner.query(`select revoked_at from assessments.portal_tokens where id = $1`, [stored.id]))[0].revoked_at !== null,
      'the renewal link revoked',
    );
    expect((await gateway('/api/v1/portal/renewal', { headers: renewal })).status).toBe(401);
  });
});
