import { bearer, gateway, linkToken, ownerDataSourceForFile } from '@assay/shared/testing';
import { randomUUID } from 'node:crypto';
import {
  ATTESTATION,
  Organisation,
  answerAndSubmit,
  createContact,
  createSupplier,
  inDays,
  organisation,
  portal,
  sentAssessment,
  waitFor,
} from './assessments-test-kit';

const owner = ownerDataSourceForFile();

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

/** Sends an assessment and returns the first recipient's portal token, read from `assessment.sent`. */
async function sendAndLink(org: Organisation, assessmentId: string): Promise<string> {
  const sent = await org.call('POST', `/api/v1/assessments/${assessmentId}/send`, {});
  expect(sent.status).toBe(200);
  const [event] = await owner.query(`select payload from assessments.outbox where type = 'assessment.sent' and payload->'data'->>'assessmentId' = $1`, [
    assessmentId,
  ]);
  return linkToken(event.payload.tenantId, event.payload.data.recipients[0].portalUrl);
}

type Claim = {
  id: string;
  principleId: string;
  response: { answer: string; justification: string | null; carriedForward: boolean } | null;
  changedSincePrevious: boolean | null;
};

describe('carry-forward', () => {
  it('prefills from the latest completed cycle, needs every carried answer confirmed or changed, and shows what changed', async () => {
    const org = await organisation();
    const first = await sentAssessment(owner, org, 'reseller');
    await answerAndSubmit(first, (_claimId, index) => (index === 0 ? 'not_met' : 'met'));
    expect((await org.call('POST', `/api/v1/assessments/${first.assessment.id}/complete`, {})).status).toBe(200);

    const fresh = await org.call('POST', '/api/v1/assessments', { supplierId: first.supplier.id, dueAt: inDays(40), carryForward: false });
    expect(fresh.body).toMatchObject({ previousAssessmentId: null, answeredCount: 0 });
    expect(fresh.body.claims.every((claim: Claim) => claim.response === null && claim.changedSincePrevious === null)).toBe(true);
    expect((await org.call('POST', `/api/v1/assessments/${fresh.body.id}/cancel`, {})).status).toBe(200);
    expect((await org.call('POST', '/api/v1/assessments', { supplierId: first.supplier.id, dueAt: inDays(40), carryForward: 'yes' })).status).toBe(400);

    const created = await org.call('POST', '/api/v1/assessments', { supplierId: first.supplier.id, dueAt: inDays(40) });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ previousAssessmentId: first.assessment.id, openedBy: 'user', answeredCount: first.claimIds.length });
    const claims = created.body.claims as Claim[];
    expect(claims.every((claim) => claim.response?.carriedForward === true && claim.changedSincePrevious === false)).toBe(true);
    expect(claims[0]!.response).toMatchObject({ answer: 'not_met', justification: 'Explained' });

    const token = await sendAndLink(org, created.body.id);
    const supplier = portal(token);
    const view = await supplier.get();
    expect((view.body.claims as Claim[]).every((claim) => claim.response?.carriedForward === true)).toBe(true);
    const refused = await supplier.submit({ attestation: ATTESTATION });
    expect(refused.status).toBe(409);
    expect(refused.body.unconfirmedClaimIds).toEqual(first.claimIds);

    const [same, changed] = claims as [Claim, Claim];
    const confirmed = await supplier.answer(same.id, { answer: 'not_met', justification: 'Explained' });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({ status: 'in_progress', response: { answer: 'not_met', carriedForward: false } });
    expect((await supplier.answer(changed.id, { answer: 'partially_met' })).status).toBe(200);

    const principleIds = [...new Set(claims.map((claim) => claim.principleId))];
    // A principle none of whose answers the supplier touched: all of its claims are confirmed.
    const untouched = claims.find((claim) => claim.principleId !== changed.principleId && claim.principleId !== same.principleId) as Claim;
    const whole = await gateway(`/api/v1/portal/assessment/principles/${untouched.principleId}/confirm`, { method: 'POST', headers: bearer(token) });
    expect(whole.body.confirmedClaimIds).toEqual(claims.filter((claim) => claim.principleId === untouched.principleId).map((claim) => claim.id));
    expect(whole.body.confirmedClaimIds.length).toBeGreaterThan(0);
    const again = await gateway(`/api/v1/portal/assessment/principles/${untouched.principleId}/confirm`, { method: 'POST', headers: bearer(token) });
    expect(again.body.confirmedClaimIds).toEqual([]);
    const bulk = await gateway(`/api/v1/portal/assessment/principles/${changed.principleId}/confirm`, { method: 'POST', headers: bearer(token) });
    expect(bulk.status).toBe(200);
    const expected = claims.filter((claim) => claim.principleId === changed.principleId && claim.id !== same.id && claim.id !== changed.id).map((c) => c.id);
    expect(bulk.body).toEqual({ principleId: changed.principleId, status: 'in_progress', confirmedClaimIds: expected });
    for (const [principleId, status] of [
      ['9.9', 404],
      ['abc', 404],
    ] as const) {
      expect((await gateway(`/api/v1/portal/assessment/principles/${principleId}/confirm`, { method: 'POST', headers: bearer(token) })).status).toBe(status);
    }
    for (const principleId of principleIds) {
      const result = await gateway(`/api/v1/portal/assessment/principles/${principleId}/confirm`, { method: 'POST', headers: bearer(token) });
      expect(result.status).toBe(200);
    }
    const after = (await supplier.get()).body.claims as Claim[];
    expect(after.some((claim) => claim.response?.carriedForward)).toBe(false);
    expect((await supplier.submit({ attestation: ATTESTATION })).status).toBe(200);

    const onlyChanged = await org.call('GET', `/api/v1/assessments/${created.body.id}?changedOnly=true`);
    expect(onlyChanged.body.claims.map((claim: Claim) => claim.id)).toEqual([changed.id]);
    expect((await org.call('GET', `/api/v1/assessments/${created.body.id}?changedOnly=maybe`)).status).toBe(400);
    const graph = await gateway('/graphql', {
      method: 'POST',
      headers: bearer(org.accessToken),
      json: {
        query:
          'query($id: ID!) { assessment(id: $id) { previousAssessmentId claims(changedOnly: true) { id changedSincePrevious response { answer carriedForward } } } }',
        variables: { id: created.body.id },
      },
    });
    expect(graph.body.data.assessment).toEqual({
      previousAssessmentId: first.assessment.id,
      claims: [{ id: changed.id, changedSincePrevious: true, response: { answer: 'partially_met', carriedForward: false } }],
    });

    const report = await org.call('GET', `/api/v1/assessments/${created.body.id}/report`);
    expect(report.body.assessment).toMatchObject({ previousAssessmentId: first.assessment.id, openedBy: 'user' });
    const reported = new Map((report.body.claims as { claimId: string; changedSincePrevious: boolean }[]).map((claim) => [claim.claimId, claim]));
    expect(reported.get(changed.id)).toMatchObject({ changedSincePrevious: true, carriedForward: false });
    expect(reported.get(same.id)).toMatchObject({ changedSincePrevious: false, carriedForward: false });
    const csv = await org.call('GET', `/api/v1/assessments/${created.body.id}/report?format=csv`);
    const lines = (csv.body as string).trim().split('\r\n');
    expect(lines[0]!.endsWith(',previous_assessment_id,changed_since_previous,carried_forward')).toBe(true);
    expect(lines.find((line) => line.includes(`,${changed.id},`))!.endsWith(`,${first.assessment.id},true,false`)).toBe(true);
    expect(lines.find((line) => line.includes(`,${same.id},`))!.endsWith(`,${first.assessment.id},false,false`)).toBe(true);

    // Over GraphQL too: carryForward on createAssessment.
    const viaGraph = await gateway('/graphql', {
      method: 'POST',
      headers: bearer(org.accessToken),
      json: {
        query:
          'mutation($supplierId: ID!, $dueAt: String!) { createAssessment(input: { supplierId: $supplierId, dueAt: $dueAt, carryForward: false }) { id openedBy previousAssessmentId claims { response { carriedForward } } } }',
        variables: { supplierId: first.supplier.id, dueAt: inDays(50) },
      },
    });
    expect(viaGraph.body.data.createAssessment).toMatchObject({ openedBy: 'user', previousAssessmentId: null });
    expect(viaGraph.body.data.createAssessment.claims.every((claim: Claim) => claim.response === null)).toBe(true);

    // A new assessment of a product the supplier was never assessed on starts empty.
    const product = await org.call('POST', `/api/v1/suppliers/${first.supplier.id}/products`, { name: 'Widget', deliveryModel: 'saas' });
    const ofProduct = await org.call('POST', '/api/v1/assessments', { supplierId: first.supplier.id, productId: product.body.id, dueAt: inDays(40) });
    expect(ofProduct.body).toMatchObject({ previousAssessmentId: null, answeredCount: 0 });
  });

  it('carries forward into the scheduled next cycle too', async () => {
    const org = await organisation();
    const first = await sentAssessment(owner, org, 'reseller');
    await answerAndSubmit(first);
    expect((await org.call('POST', `/api/v1/assessments/${first.assessment.id}/complete`, {})).status).toBe(200);
    await owner.query(`update assessments.suppliers set next_assessment_due_at = now() + interval '5 days' where id = $1`, [first.supplier.id]);
    const [opened] = await waitFor(async () => {
      const rows = await owner.query(`select id from assessments.assessments where supplier_id = $1 and cycle_due_at is not null`, [first.supplier.id]);
      return rows.length ? rows : null;
    }, 'the scheduled reassessment');
    const detail = await org.call('GET', `/api/v1/assessments/${opened.id}`);
    expect(detail.body).toMatchObject({ openedBy: 'schedule', previousAssessmentId: first.assessment.id, answeredCount: first.claimIds.length });
    expect(detail.body.claims.every((claim: Claim) => claim.response?.carriedForward === true)).toBe(true);
  });
});

describe('product events', () => {
  it('emits product.created|updated|removed and an end-of-support notice on short notice or within the horizon', async () => {
    const org = await organisation();
    const supplier = await createSupplier(org);
    const created = await org.call('POST', `/api/v1/suppliers/${supplier.id}/products`, {
      name: 'Widget Server',
      deliveryModel: 'on_premises',
      currentVersion: '4.2.0',
      endOfSupportAt: inDays(100),
    });
    expect(created.status).toBe(201);
    const productId = created.body.id as string;
    const renamed = await org.call('PATCH', `/api/v1/suppliers/${supplier.id}/products/${productId}`, { name: 'Widget Server LTS' });
    expect(renamed.status).toBe(200);
    // A year and more of notice, beyond the default 365-day horizon: no notice.
    const later = await org.call('PATCH', `/api/v1/suppliers/${supplier.id}/products/${productId}`, {
      endOfSupportAt: inDays(500),
      endOfSupportAnnouncedAt: inDays(-30),
    });
    expect(later.status).toBe(200);
    expect((await org.call('DELETE', `/api/v1/suppliers/${supplier.id}/products/${productId}`)).status).toBe(204);

    const events: { type: string; payload: { data: Record<string, unknown> } }[] = await owner.query(
      `select type, payload from assessments.outbox where tenant_id = $1 and type like 'product.%' order by created_at, id`,
      [org.tenantId],
    );
    expect(events.map((event) => event.type)).toEqual([
      'product.created',
      'product.end_of_support_notice',
      'product.updated',
      'product.updated',
      'product.removed',
    ]);
    expect(events[0]!.payload.data).toEqual(created.body);
    expect(events[1]!.payload.data).toEqual({
      supplierId: supplier.id,
      productId,
      endOfSupportAt: created.body.endOfSupportAt,
      endOfSupportAnnouncedAt: null,
      noticeDays: expect.any(Number),
      shortNotice: true,
      withinHorizon: true,
    });
    expect(events[1]!.payload.data['noticeDays']).toBeGreaterThanOrEqual(99);
    expect(events[2]!.payload.data).toEqual(renamed.body);
    expect(events[4]!.payload.data).toMatchObject({ id: productId, supplierId: supplier.id, name: 'Widget Server LTS' });

    // The tenant's horizon widens what counts: the same far date is now within it.
    expect((await org.call('PATCH', '/api/v1/tenant', { settings: { endOfSupportHorizonDays: 600 } })).status).toBe(200);
    await waitFor(async () => {
      const [row] = await owner.query(`select settings from assessments.tenants where tenant_id = $1`, [org.tenantId]);
      return row?.settings?.endOfSupportHorizonDays === 600;
    }, 'the tenant settings to reach the assessments service');
    const far = await org.call('POST', `/api/v1/suppliers/${supplier.id}/products`, {
      name: 'Widget Cloud',
      deliveryModel: 'saas',
      endOfSupportAt: inDays(500),
      endOfSupportAnnouncedAt: inDays(-300),
    });
    const [notice] = await owner.query(
      `select payload from assessments.outbox where tenant_id = $1 and type = 'product.end_of_support_notice' and payload->'data'->>'productId' = $2`,
      [org.tenantId, far.body.id],
    );
    expect(notice.payload.data).toMatchObject({ shortNotice: false, withinHorizon: true });
    expect((await org.call('PATCH', '/api/v1/tenant', { settings: { endOfSupportHorizonDays: -1 } })).status).toBe(400);
  });
});

describe('first and early cycles', () => {
  it('opens the first cycle from nextAssessmentDueAt set on the supplier, and validates it', async () => {
    const org = await organisation();
    const dueAt = inDays(10);
    const supplier = await createSupplier(org, { nextAssessmentDueAt: dueAt });
    expect((await org.call('GET', `/api/v1/suppliers/${supplier.id}`)).body.nextAssessmentDueAt).toBe(dueAt);
    const [opened] = await waitFor(async () => {
      const rows = await owner.query(`select id from assessments.assessments where supplier_id = $1`, [supplier.id]);
      return rows.length ? rows : null;
    }, 'the first cycle to be opened');
    const detail = await org.call('GET', `/api/v1/assessments/${opened.id}`);
    expect(detail.body).toMatchObject({ openedBy: 'schedule', dueAt, status: 'draft', previousAssessmentId: null });

    const other = await createSupplier(org);
    for (const value of [inDays(-1), inDays(800), 'soon', 42]) {
      const refused = await org.call('PATCH', `/api/v1/suppliers/${other.id}`, { nextAssessmentDueAt: value });
      expect(refused.status).toBe(400);
      expect(JSON.stringify(refused.body)).toContain('nextAssessmentDueAt');
    }
    expect((await org.call('POST', '/api/v1/suppliers', { name: 'Too late Ltd', tier: 'low', role: 'reseller', nextAssessmentDueAt: inDays(-3) })).status).toBe(
      400,
    );
    const later = inDays(200);
    const graph = await gateway('/graphql', {
      method: 'POST',
      headers: bearer(org.accessToken),
      json: {
        query: 'mutation($id: ID!, $at: String) { updateSupplier(id: $id, input: { nextAssessmentDueAt: $at }) { nextAssessmentDueAt } }',
        variables: { id: other.id, at: later },
      },
    });
    expect(graph.body).toEqual({ data: { updateSupplier: { nextAssessmentDueAt: later } } });
    const cleared = await org.call('PATCH', `/api/v1/suppliers/${other.id}`, { nextAssessmentDueAt: null });
    expect(cleared.body.nextAssessmentDueAt).toBeNull();
  });

  it("opens a cycle early from the tenant's reassessment triggers: end of support and expired evidence", async () => {
    const org = await organisation();
    expect(
      (
        await org.call('PATCH', '/api/v1/tenant', {
          settings: { autoSendReassessments: true, reassessmentTriggers: { evidenceExpired: true, endOfSupportWithinDays: 90 } },
        })
      ).status,
    ).toBe(200);
    await waitFor(async () => {
      const [row] = await owner.query(`select settings from assessments.tenants where tenant_id = $1`, [org.tenantId]);
      return row?.settings?.reassessmentTriggers?.endOfSupportWithinDays === 90;
    }, 'the tenant settings to reach the assessments service');
    const settings = await gateway('/graphql', {
      method: 'POST',
      headers: bearer(org.accessToken),
      json: {
        query:
          '{ tenant { settings { endOfSupportHorizonDays reassessmentTriggers { evidenceExpired evidenceFailed endOfSupportWithinDays findingOverdue } } } }',
      },
    });
    expect(settings.body.data.tenant.settings).toEqual({
      endOfSupportHorizonDays: 365,
      reassessmentTriggers: { evidenceExpired: true, evidenceFailed: false, endOfSupportWithinDays: 90, findingOverdue: false },
    });
    const opened = (supplierId: string) =>
      waitFor(async () => {
        const rows = await owner.query(`select id, opened_by, product_id, status from assessments.assessments where supplier_id = $1`, [supplierId]);
        return rows.length ? rows : null;
      }, `an early cycle for ${supplierId}`);

    const ending = await createSupplier(org);
    const contact = await createContact(org, ending.id);
    const product = await org.call('POST', `/api/v1/suppliers/${ending.id}/products`, {
      name: 'Old Box',
      deliveryModel: 'on_premises',
      endOfSupportAt: inDays(45),
    });
    const [early] = await opened(ending.id);
    expect(early).toMatchObject({ opened_by: 'trigger:end_of_support', product_id: product.body.id });
    await waitFor(async () => (await org.call('GET', `/api/v1/assessments/${early.id}`)).body.status === 'sent', 'the early cycle to be sent');
    const [due] = await owner.query(`select payload from assessments.outbox where type = 'reassessment.due' and payload->'data'->>'assessmentId' = $1`, [
      early.id,
    ]);
    expect(due.payload.data).toMatchObject({ reason: 'trigger:end_of_support', openedBy: 'trigger:end_of_support', supplierId: ending.id });
    const [sent] = await owner.query(`select payload from assessments.outbox where type = 'assessment.sent' and payload->'data'->>'assessmentId' = $1`, [
      early.id,
    ]);
    expect(sent.payload.data.recipients).toMatchObject([{ contactId: contact.id }]);

    // evidence.expired as the evidence service publishes it, through its outbox.
    const expiring = await createSupplier(org);
    const eventId = randomUUID();
    const envelope = {
      id: eventId,
      type: 'evidence.expired',
      timestamp: new Date().toISOString(),
      tenantId: org.tenantId,
      data: { evidenceId: randomUUID(), supplierId: expiring.id, kind: 'policy', validUntil: new Date().toISOString() },
    };
    await owner.query(`insert into evidence.outbox (tenant_id, id, type, payload, created_at) values ($1, $2, $3, $4, now())`, [
      org.tenantId,
      eventId,
      'evidence.expired',
      JSON.stringify(envelope),
    ]);
    const [expired] = await opened(expiring.id);
    expect(expired).toMatchObject({ opened_by: 'trigger:evidence_expired', status: 'draft' });
    expect((await org.call('GET', `/api/v1/assessments/${expired.id}`)).body.openedBy).toBe('trigger:evidence_expired');
  });
});
