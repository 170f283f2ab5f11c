import { SinkMessage, mailSubject, mailText, waitFor } from '@assay/shared/testing';
import { ReceivedWebhook } from '../faults/fault-stack';
import { useTimeTravelStack } from './time-travel-stack';

/*
 * Business time moved by the test, on a stack of its own (booted once for both tests here). First an
 * assessment sent, a reminder step reached by moving the clock (its email's link opens at that
 * moment), the due date moved, the clock moved past it, and exactly one `assessment.overdue` for the
 * lapse. Then a year in the life of one supplier (below).
 */

const DAY = 86_400_000;
const stack = useTimeTravelStack();

/** The portal token in an email's link. */
function portalToken(message: SinkMessage): string {
  const url = /https?:\/\/\S+?\/portal\?token=[^\s"<>]+/.exec(mailText(message.raw))?.[0];
  if (!url) throw new Error(`no portal link in "${mailSubject(message.raw)}"`);
  return decodeURIComponent(new URL(url).searchParams.get('token') as string);
}

describe('an assessment over months of business time', () => {
  it('reminds with a link that opens, follows a moved due date, and announces the lapse once', async () => {
    const tt = stack();
    const owner = await tt.account();
    const call = owner.call;
    await call('POST', '/api/v1/webhook-endpoints', { url: tt.receiver.url, events: ['assessment.overdue', 'reminder.sent', 'assessment.due_date_changed'] });
    const supplier = await call('POST', '/api/v1/suppliers', { name: 'Clockwork Components', tier: 'high', role: 'developer_distributor' });
    const email = `sam-${Math.random().toString(36).slice(2, 8)}@clockwork.test`;
    await call('POST', `/api/v1/suppliers/${supplier.id}/contacts`, { name: 'Sam Signer', email, isSeniorResponsibleOwner: true });
    const start = await tt.now();
    const assessment = await call('POST', '/api/v1/assessments', { supplierId: supplier.id, dueAt: new Date(start.getTime() + 40 * DAY).toISOString() });
    await call('POST', `/api/v1/assessments/${assessment.id}/send`, {});
    const mailTo = (predicate: (subject: string) => boolean, what: string) =>
      waitFor(async () => tt.mail().find((message) => message.to.includes(email) && predicate(mailSubject(message.raw))), what);
    const opens = async (message: SinkMessage) => (await tt.api('/api/v1/portal/assessment', { token: portalToken(message) })).status;
    const sent = await mailTo((subject) => subject.includes('Software Security Code of Practice assessment for'), 'the sending email');
    const reminded = (step: string) => tt.receiver.received.filter((hook) => hook.type === 'reminder.sent' && hook.data.step === step);

    // 27 days on, 13 before the due date: the 14-day reminder goes out, and its link (and the first email's) opens now.
    await tt.advance(27 * DAY);
    await owner.signIn();
    const reminder = await mailTo((subject) => /Reminder: .* due in 13 days/.test(subject), 'the 14-day reminder');
    expect(await opens(reminder)).toBe(200);
    expect(await opens(sent)).toBe(200);
    await waitFor(async () => reminded('before_14').length === 1, 'reminder.sent before_14');

    // The due date moves 30 days ahead of now; every link lasts until 30 days past it.
    const dueAt = new Date((await tt.now()).getTime() + 30 * DAY);
    await call('PATCH', `/api/v1/assessments/${assessment.id}`, { dueAt: dueAt.toISOString(), reason: 'Audit season' });
    const links = (await call('GET', `/api/v1/assessments/${assessment.id}/portal-links`)).data as { expiresAt: string }[];
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) expect(new Date(link.expiresAt).getTime()).toBeGreaterThanOrEqual(dueAt.getTime() + 30 * DAY);
    const moved = await mailTo((subject) => subject.includes('New due date'), 'the due-date email');
    expect(await opens(moved)).toBe(200);

    // The new date's 14-day step falls after the move: it is sent again when it comes.
    await tt.advance(17 * DAY);
    await owner.signIn();
    await waitFor(async () => reminded('before_14').length === 2, 'the 14-day reminder of the moved date');
    expect(await opens(reminder)).toBe(200);

    // A day past the new due date: one assessment.overdue; a week later the first overdue reminder, whose link opens.
    await tt.advance(14 * DAY);
    await owner.signIn();
    await waitFor(async () => tt.receiver.received.some((hook) => hook.type === 'assessment.overdue'), 'assessment.overdue');
    await waitFor(async () => reminded('due').length === 1, 'reminder.sent due');
    await tt.advance(7 * DAY);
    const overdueReminder = await mailTo((subject) => /^\[.*\] Overdue by/.test(subject), 'the first overdue reminder');
    expect(await opens(overdueReminder)).toBe(200);
    await waitFor(async () => reminded('overdue_1').length === 1, 'reminder.sent overdue_1');

    const overdue = tt.receiver.received.filter((hook) => hook.type === 'assessment.overdue');
    expect(overdue.map((hook) => hook.data)).toEqual([
      expect.objectContaining({ assessmentId: assessment.id, supplierId: supplier.id, dueAt: dueAt.toISOString() }),
    ]);
    // Steps passed over while the clock jumped (7 and 1 days before) are never sent late; none is sent twice for one date.
    const steps = tt.receiver.received.filter((hook) => hook.type === 'reminder.sent' && hook.data.kind === 'reminder').map((hook) => hook.data.step as string);
    expect(steps.sort()).toEqual(['before_14', 'before_14', 'due', 'overdue_1']);
  });
});

/*
 * A year in the life of one supplier, on the same stack, its business time moved on from where the test above left it: two
 * full annual cycles and a third opened early. Cycle one is sent, reminded (each email's link opens
 * when it arrives), extended at the supplier's request, lapses (one `assessment.overdue`), escalates
 * to the SRO and then to the internal owner; meanwhile the supplier's penetration test letter comes
 * within its notice and the supplier renews it through the emailed link. The cycle is answered,
 * returned with a new date, answered again and completed, with a finding whose accepted risk ends
 * (and the finding reopens) before the next cycle. Cycle two opens and sends itself from the schedule a year on, carried forward; the
 * supplier confirms what is unchanged and changes one answer; the reviewer sees exactly that change.
 * Then the product's end of support is announced at short notice and the trigger opens cycle three.
 */

type Claim = { id: string; principleId: string; response: { answer: string; carriedForward: boolean } | null; changedSincePrevious: boolean | null };

describe('a year in the life of a supplier', () => {
  it('runs two annual cycles end to end, and a trigger opens the third early', async () => {
    const tt = stack();
    const customer = await tt.account();
    const call = customer.call;
    const advance = async (days: number) => {
      await tt.advance(days * DAY);
      await customer.signIn();
    };

    // Mail: each expected message is taken once, so a later one with the same subject is a new one.
    const taken = new Set<string>();
    const nextMail = (to: string, subject: RegExp, what: string) =>
      waitFor(async () => {
        const found = tt.mail().find((message) => !taken.has(message.raw) && message.to.includes(to) && subject.test(mailSubject(message.raw)));
        if (found) taken.add(found.raw);
        return found;
      }, what);
    const opens = async (message: SinkMessage) => (await tt.api('/api/v1/portal/assessment', { token: portalToken(message) })).status;
    const hooks = (type: string, assessmentId?: string): ReceivedWebhook[] =>
      tt.receiver.received.filter((hook) => hook.type === type && (assessmentId === undefined || hook.data.assessmentId === assessmentId));
    const steps = (assessmentId: string) => hooks('reminder.sent', assessmentId).map((hook) => hook.data.step as string);

    // The customer: scheduled cycles send themselves; an end of support within 180 days opens a cycle early.
    await call('PATCH', '/api/v1/tenant', { settings: { autoSendReassessments: true, reassessmentTriggers: { endOfSupportWithinDays: 180 } } });
    await waitFor(async () => {
      const { rows } = await tt.owner.query(`select settings from assessments.tenants where tenant_id = $1`, [customer.tenantId]);
      return rows[0]?.settings?.autoSendReassessments === true && rows[0]?.settings?.reassessmentTriggers?.endOfSupportWithinDays === 180;
    }, 'the tenant settings to reach the assessments service');
    await call('POST', '/api/v1/webhook-endpoints', {
      url: tt.receiver.url,
      events: [
        'assessment.sent',
        'assessment.overdue',
        'assessment.due_date_changed',
        'assessment.extension_requested',
        'assessment.extension_decided',
        'assessment.returned',
        'assessment.completed',
        'reassessment.due',
        'reminder.sent',
        'evidence.expiring',
        'evidence.renewed',
        'finding.risk_acceptance_expired',
      ],
    });
    const supplier = await call('POST', '/api/v1/suppliers', {
      name: 'Ledger Works',
      tier: 'high',
      role: 'developer_distributor',
      ownerUserId: customer.userId,
    });
    const product = await call('POST', `/api/v1/suppliers/${supplier.id}/products`, { name: 'Ledger Cloud', deliveryModel: 'saas' });
    const sro = `sam-${Math.random().toString(36).slice(2, 8)}@ledger.test`;
    await call('POST', `/api/v1/suppliers/${supplier.id}/contacts`, { name: 'Sam Signer', email: sro, role: 'CTO', isSeniorResponsibleOwner: true });

    // ---- Cycle one: sent, due in 45 days.
    const start = await tt.now();
    const first = await call('POST', '/api/v1/assessments', {
      supplierId: supplier.id,
      productId: product.id,
      dueAt: new Date(start.getTime() + 45 * DAY).toISOString(),
    });
    await call('POST', `/api/v1/assessments/${first.id}/send`, {});
    const invitation = await nextMail(sro, /Software Security Code of Practice assessment for Ledger Works/, 'the first sending email');
    expect(await opens(invitation)).toBe(200);
    const link = portalToken(invitation);
    const portal = (path: string, method = 'GET', json?: unknown) =>
      tt.api(`/api/v1/portal${path}`, { method, token: link, ...(json === undefined ? {} : { json }) });
    // The supplier's penetration test letter, valid 100 days: the 30-day notice falls inside this cycle.
    const letter = new FormData();
    for (const [name, value] of Object.entries({
      supplierId: supplier.id,
      kind: 'pentest_report',
      validUntil: new Date(start.getTime() + 100 * DAY).toISOString(),
      title: 'Penetration test letter',
    }))
      letter.append(name, value);
    letter.append('file', new Blob([new TextEncoder().encode('Penetration test of Ledger Cloud: no high findings open.\n')]), 'pentest.txt');
    const pentest = await tt.api('/api/v1/evidence', { token: customer.accessToken, body: letter });
    expect(pentest.status).toBe(202);

    // 32 days on: the 14-day reminder, its link opening now.
    await advance(32);
    expect(await opens(await nextMail(sro, /Reminder: .* due in 13 days/, 'the 14-day reminder'))).toBe(200);
    await waitFor(async () => steps(first.id).includes('before_14'), 'reminder.sent before_14');

    // The supplier asks for three more weeks; the internal owner hears of it and approves; the supplier hears the new date.
    const requestedDueAt = new Date(start.getTime() + 66 * DAY).toISOString();
    const requested = await portal('/assessment/extension-requests', 'POST', { requestedDueAt, reason: 'Our SRO is away for the audit' });
    expect(requested.status).toBe(201);
    const asked = await nextMail(customer.email, /Ledger Works asks to extend the due date/, 'the extension request email');
    expect(mailText(asked.raw)).toContain('Our SRO is away for the audit');
    await call('POST', `/api/v1/assessments/${first.id}/extension-requests/${requested.body.id}/decision`, { approve: true, comment: 'Fine' });
    expect((await call('GET', `/api/v1/assessments/${first.id}`)).dueAt).toBe(requestedDueAt);
    expect(await opens(await nextMail(sro, /New due date/, 'the new due date email'))).toBe(200);
    await waitFor(async () => hooks('assessment.due_date_changed', first.id).length === 1, 'assessment.due_date_changed');

    // 30 days on, four days before the new date: the 7-day reminder of the new date.
    await advance(30);
    expect(await opens(await nextMail(sro, /Reminder: .* due in 4 days/, 'the 7-day reminder of the new date'))).toBe(200);

    // A day past the new date: one lapse, the due-day reminder.
    await advance(5);
    await waitFor(async () => hooks('assessment.overdue', first.id).length === 1, 'assessment.overdue');
    expect(await opens(await nextMail(sro, /Due today/, 'the due-day reminder'))).toBe(200);

    // A week later: the first overdue reminder and the escalation to the SRO; a week after, to the internal owner.
    await advance(7);
    expect(await opens(await nextMail(sro, /^\[.*\] Overdue by \d+ days/, 'the first overdue reminder'))).toBe(200);
    expect(await opens(await nextMail(sro, /^\[.*\] Escalation: /, 'the escalation to the SRO'))).toBe(200);
    await advance(7);
    await nextMail(customer.email, /Supplier escalation: Ledger Works/, 'the escalation to the internal owner');
    await waitFor(async () => ['overdue_2', 'escalation_sro', 'escalation_owner'].every((step) => steps(first.id).includes(step)), 'the escalation steps');

    // The letter came within its 30-day notice on day 70: the SRO was emailed a renewal link; the supplier renews it now.
    await waitFor(async () => hooks('evidence.expiring').some((hook) => hook.data.evidenceId === pentest.body.id), 'evidence.expiring of the letter');
    const renewalLink = portalToken(await nextMail(sro, /Please renew .*Penetration test letter/, 'the renewal email'));
    const renewedLetter = new FormData();
    renewedLetter.append('validUntil', new Date((await tt.now()).getTime() + 365 * DAY).toISOString());
    renewedLetter.append('file', new Blob([new TextEncoder().encode('Penetration test of Ledger Cloud, retest: no findings open.\n')]), 'pentest-2.txt');
    const renewed = await tt.api('/api/v1/portal/renewal/evidence', { token: renewalLink, body: renewedLetter });
    expect(renewed.status).toBe(202);
    await waitFor(
      async () => hooks('evidence.renewed').some((hook) => hook.data.supersedes === pentest.body.id || hook.data.evidenceId === renewed.body.id),
      'evidence.renewed',
    );
    expect(await call('GET', `/api/v1/evidence/${pentest.body.id}`)).toMatchObject({ status: 'superseded', supersededBy: renewed.body.id });

    // The supplier answers everything and the SRO submits; the reviewer returns one claim with a new date.
    const claims = (await call('GET', `/api/v1/assessments/${first.id}`)).claims as Claim[];
    for (const [index, claim] of claims.entries()) {
      const answer = index === 0 ? 'partially_met' : 'met';
      const saved = await portal(`/assessment/responses/${claim.id}`, 'PUT', { answer, ...(index === 0 ? { justification: 'Being rolled out' } : {}) });
      expect(saved.status).toBe(200);
    }
    const attestation = { name: 'Sam Signer', role: 'CTO', email: sro, statement: true };
    expect((await portal('/assessment/submit', 'POST', { attestation })).status).toBe(200);
    const returnedClaim = claims[1] as Claim;
    await call('POST', `/api/v1/assessments/${first.id}/review`, {
      decisions: [{ claimId: returnedClaim.id, verdict: 'returned', comment: 'Show the policy' }],
    });
    const returnDueAt = new Date((await tt.now()).getTime() + 14 * DAY).toISOString();
    const returned = await call('POST', `/api/v1/assessments/${first.id}/return`, { message: 'Please attach the policy', dueAt: returnDueAt });
    expect(returned).toMatchObject({ status: 'returned', dueAt: returnDueAt });
    const changes = await nextMail(sro, /Changes requested/, 'the return email');
    expect(await opens(changes)).toBe(200);
    expect(mailText(changes.raw)).toContain('Please attach the policy');

    // A finding the customer accepts the risk of for 90 days: it reopens when that time is up (next year's cycle sees it open).
    const finding = await call('POST', `/api/v1/assessments/${first.id}/findings`, {
      claimId: returnedClaim.id,
      severity: 'medium',
      title: 'Policy not yet approved',
    });
    await call('PATCH', `/api/v1/findings/${finding.id}`, { status: 'in_remediation' });
    const riskAcceptedUntil = new Date((await tt.now()).getTime() + 90 * DAY).toISOString();
    await call('PATCH', `/api/v1/findings/${finding.id}`, { status: 'accepted_risk', riskAcceptedUntil });

    // Three days later the supplier answers again and submits; the reviewer completes.
    await advance(3);
    expect((await portal(`/assessment/responses/${returnedClaim.id}`, 'PUT', { answer: 'partially_met', justification: 'Policy in draft' })).status).toBe(200);
    expect((await portal('/assessment/submit', 'POST', { attestation })).status).toBe(200);
    const completed = await call('POST', `/api/v1/assessments/${first.id}/complete`, { conclusion: 'Acceptable for year one' });
    expect(completed.status).toBe('completed');
    await nextMail(sro, /Assessment completed for Ledger Works/, 'the completion email');
    expect(await opens(changes)).toBe(401);
    const completedAt = await tt.now();
    const { nextAssessmentDueAt } = await call('GET', `/api/v1/suppliers/${supplier.id}`);
    const nextDue = new Date(nextAssessmentDueAt);
    // High tier: twelve months on.
    expect(Math.round((nextDue.getTime() - completedAt.getTime()) / DAY)).toBeGreaterThanOrEqual(364);
    expect(Math.round((nextDue.getTime() - completedAt.getTime()) / DAY)).toBeLessThanOrEqual(366);
    const firstSteps = steps(first.id);
    expect(new Set(firstSteps).size).toBe(firstSteps.length);

    // ---- Cycle two: a year on, inside the 30-day lead, the schedule opens and sends it, carried forward.
    const untilLead = Math.ceil((nextDue.getTime() - (await tt.now()).getTime()) / DAY) - 29;
    await advance(untilLead);
    const due = await waitFor(async () => hooks('reassessment.due').find((hook) => hook.data.supplierId === supplier.id), 'reassessment.due of cycle two');
    await waitFor(async () => hooks('finding.risk_acceptance_expired').some((hook) => hook.data.findingId === finding.id), 'the risk acceptance expiring');
    expect(await call('GET', `/api/v1/findings/${finding.id}`)).toMatchObject({ status: 'open', riskAcceptedUntil: null });
    expect(due.data).toMatchObject({ reason: 'schedule' });
    const secondId = due.data.assessmentId as string;
    const second = await waitFor(async () => {
      const found = await call('GET', `/api/v1/assessments/${secondId}`);
      return found.status === 'sent' ? found : undefined;
    }, 'cycle two sent');
    expect(second).toMatchObject({ openedBy: 'schedule', previousAssessmentId: first.id, productId: product.id, dueAt: nextDue.toISOString() });
    expect((second.claims as Claim[]).every((claim) => claim.response?.carriedForward === true)).toBe(true);
    const secondMail = await nextMail(sro, /Software Security Code of Practice assessment for Ledger Works/, 'the sending email of cycle two');
    expect(await opens(secondMail)).toBe(200);
    const link2 = portalToken(secondMail);
    expect(link2).not.toBe(link);

    // The supplier improves one answer and confirms the rest principle by principle; the reviewer sees the one change.
    const secondClaims = second.claims as Claim[];
    const improved = secondClaims[0] as Claim;
    expect((await tt.api(`/api/v1/portal/assessment/responses/${improved.id}`, { method: 'PUT', token: link2, json: { answer: 'met' } })).status).toBe(200);
    for (const principleId of new Set(secondClaims.map((claim) => claim.principleId))) {
      expect((await tt.api(`/api/v1/portal/assessment/principles/${principleId}/confirm`, { method: 'POST', token: link2 })).status).toBe(200);
    }
    expect((await tt.api('/api/v1/portal/assessment/submit', { method: 'POST', token: link2, json: { attestation } })).status).toBe(200);
    const changed = (await call('GET', `/api/v1/assessments/${secondId}?changedOnly=true`)).claims as Claim[];
    expect(changed.map((claim) => [claim.id, claim.changedSincePrevious])).toEqual([[improved.id, true]]);
    await advance(10);
    expect((await call('POST', `/api/v1/assessments/${secondId}/complete`, {})).status).toBe('completed');
    const report = await call('GET', `/api/v1/assessments/${secondId}/report`);
    expect(report.assessment).toMatchObject({ previousAssessmentId: first.id, openedBy: 'schedule' });
    expect(
      report.claims.filter((claim: { changedSincePrevious: boolean }) => claim.changedSincePrevious).map((claim: { claimId: string }) => claim.claimId),
    ).toEqual([improved.id]);

    // ---- Cycle three, early: end of support announced today for 120 days from now (short notice, within 180 days).
    const eos = new Date((await tt.now()).getTime() + 120 * DAY).toISOString();
    await call('PATCH', `/api/v1/suppliers/${supplier.id}/products/${product.id}`, {
      endOfSupportAt: eos,
      endOfSupportAnnouncedAt: (await tt.now()).toISOString(),
    });
    const early = await waitFor(
      async () => hooks('reassessment.due').find((hook) => hook.data.supplierId === supplier.id && hook.data.assessmentId !== secondId),
      'the early reassessment',
    );
    expect(early.data).toMatchObject({ reason: 'trigger:end_of_support' });
    const third = await call('GET', `/api/v1/assessments/${early.data.assessmentId}`);
    expect(third).toMatchObject({ openedBy: 'trigger:end_of_support', previousAssessmentId: secondId, productId: product.id });
    expect(await opens(await nextMail(sro, /Software Security Code of Practice assessment for Ledger Works/, 'the sending email of cycle three'))).toBe(200);

    // Over the whole time: one lapse, each reminder step once per due date, three cycles opened once each.
    expect(hooks('assessment.overdue').filter((hook) => hook.data.supplierId === supplier.id)).toHaveLength(1);
    expect(hooks('reassessment.due').filter((hook) => hook.data.supplierId === supplier.id)).toHaveLength(2);
    expect(hooks('assessment.completed').filter((hook) => hook.data.supplierId === supplier.id)).toHaveLength(2);
  }, 900_000);
});

describe('documents and findings over months of business time', () => {
  it('warns of an expiring document at the tenant notice and renews it through the emailed link, reopens a finding whose risk acceptance ends, announces an overdue finding once, and answers a finding through its findings link after completion', async () => {
    const tt = stack();
    const owner = await tt.account();
    const call = owner.call;
    const events = ['evidence.expiring', 'evidence.expired', 'evidence.renewed', 'finding.overdue', 'finding.risk_acceptance_expired', 'reassessment.due'];
    await call('POST', '/api/v1/webhook-endpoints', { url: tt.receiver.url, events });
    await call('PATCH', '/api/v1/tenant', { settings: { evidenceExpiryNoticeDays: 14, reassessmentTriggers: { findingOverdue: true } } });
    const supplier = await call('POST', '/api/v1/suppliers', { name: 'Almanac Assurance', tier: 'medium', role: 'developer_distributor' });
    const ada = `ada-${Math.random().toString(36).slice(2, 8)}@almanac.test`;
    await call('POST', `/api/v1/suppliers/${supplier.id}/contacts`, { name: 'Ada Almanac', email: ada, isSeniorResponsibleOwner: true });
    const start = await tt.now();
    const at = (days: number) => new Date(start.getTime() + days * DAY).toISOString();
    // This test's own events (the stack's receiver hears every tenant of the file).
    const hooks = (type: string) => tt.receiver.received.filter((hook) => hook.type === type && hook.data.supplierId === supplier.id);
    // Remediation reminders of the lapsing finding to the supplier's contact (the tenant's default policy: 14, 7, 1 days before, on the day, weekly after).
    const remediationMail = () =>
      tt
        .mail()
        .filter((message) => message.to.includes(ada) && /Remediation .*No SBOM for the build/.test(mailSubject(message.raw)))
        .map((message) => mailSubject(message.raw));
    const remediationMails = (count: number) => waitFor(async () => remediationMail().length === count, `${count} remediation reminders`);

    // A policy document (no date of its own) valid for 40 days: the customer's 14-day notice warns on day 26.
    const body = new FormData();
    for (const [name, value] of Object.entries({ supplierId: supplier.id, kind: 'policy', validUntil: at(40), title: 'Information security policy' }))
      body.append(name, value);
    body.append('file', new Blob([new TextEncoder().encode('Information security policy: access is reviewed every quarter.\n')]), 'policy.txt');
    const accepted = await tt.api('/api/v1/evidence', { token: owner.accessToken, body });
    expect(accepted.status).toBe(202);
    await waitFor(async () => (await call('GET', `/api/v1/evidence/${accepted.body.id}`)).status === 'processed', 'the policy processed');

    // Findings on an assessment that is then cancelled (so an overdue finding may open the next one).
    const assessment = await call('POST', '/api/v1/assessments', { supplierId: supplier.id, dueAt: at(60) });
    await call('POST', `/api/v1/assessments/${assessment.id}/send`, {});
    const claimId = (assessment.claims as { id: string }[])[0]!.id;
    const lapsing = await call('POST', `/api/v1/assessments/${assessment.id}/findings`, {
      claimId,
      severity: 'high',
      title: 'No SBOM for the build',
      remediationDueAt: at(30),
    });
    const accepted2 = await call('POST', `/api/v1/assessments/${assessment.id}/findings`, { claimId, severity: 'low', title: 'Legacy TLS on the status page' });
    await call('PATCH', `/api/v1/findings/${accepted2.id}`, { status: 'in_remediation' });
    await call('PATCH', `/api/v1/findings/${accepted2.id}`, { status: 'accepted_risk', riskAcceptedUntil: at(20) });
    await call('POST', `/api/v1/assessments/${assessment.id}/cancel`, {});

    // Day 21: the document is not yet inside the notice; the risk acceptance has ended and the finding is open again.
    await tt.advance(21 * DAY);
    await owner.signIn();
    await waitFor(async () => hooks('finding.risk_acceptance_expired').length === 1, 'finding.risk_acceptance_expired');
    expect(hooks('finding.risk_acceptance_expired')[0]!.data).toMatchObject({ findingId: accepted2.id, status: 'open', riskAcceptedUntil: at(20) });
    expect(await call('GET', `/api/v1/findings/${accepted2.id}`)).toMatchObject({ status: 'open', riskAcceptedUntil: null });
    expect(hooks('evidence.expiring')).toEqual([]);
    await remediationMails(1);

    // Day 27: inside the 14-day notice, one evidence.expiring with the title.
    await tt.advance(6 * DAY);
    await owner.signIn();
    await waitFor(async () => hooks('evidence.expiring').length === 1, 'evidence.expiring');
    expect(hooks('evidence.expiring')[0]!.data).toMatchObject({ evidenceId: accepted.body.id, title: 'Information security policy', validUntil: at(40) });
    await remediationMails(2);
    // Ada, who received the assessment, is emailed a renewal link for the document (kept for later).
    const isRenewal = (message: SinkMessage) =>
      message.to.includes(ada) && /^\[[^\]]*\] Please renew .*Information security policy/.test(mailSubject(message.raw));
    await waitFor(async () => tt.mail().some(isRenewal), 'the renewal email');
    const renewalLink = portalToken(tt.mail().find(isRenewal)!);

    // Day 31: the remediation date passed: one finding.overdue, which opens the next assessment early.
    await tt.advance(4 * DAY);
    await owner.signIn();
    await waitFor(async () => hooks('finding.overdue').length === 1, 'finding.overdue');
    expect(hooks('finding.overdue')[0]!.data).toMatchObject({ findingId: lapsing.id, supplierId: supplier.id, status: 'open', remediationDueAt: at(30) });
    await waitFor(async () => hooks('reassessment.due').some((hook) => hook.data.reason === 'trigger:finding_overdue'), 'reassessment.due');
    const opened = (await call('GET', `/api/v1/assessments?supplierId=${supplier.id}`)).data as { id: string; openedBy: string }[];
    expect(opened.filter((row) => row.openedBy === 'trigger:finding_overdue')).toHaveLength(1);
    await remediationMails(3);

    // Day 41: the document has expired. A finding raised now, due tomorrow, lapses two days on: the
    // ticks that announce it repeat nothing said before.
    await tt.advance(10 * DAY);
    await owner.signIn();
    await waitFor(async () => hooks('evidence.expired').length === 1, 'evidence.expired');
    await remediationMails(4);
    // Ada renews the expired document through the emailed link, months after it was sent: her upload supersedes it.
    const renewal = await tt.api('/api/v1/portal/renewal', { token: renewalLink });
    expect(renewal.status).toBe(200);
    expect(renewal.body).toMatchObject({ evidence: { id: accepted.body.id, title: 'Information security policy' }, renewal: 'expired' });
    const renewed = new FormData();
    renewed.append('validUntil', at(41 + 365));
    renewed.append(
      'file',
      new Blob([new TextEncoder().encode('Information security policy, 2027 revision: access is reviewed every quarter.\n')]),
      'policy.txt',
    );
    const replacement = await tt.api('/api/v1/portal/renewal/evidence', { token: renewalLink, body: renewed });
    expect(replacement.status).toBe(202);
    await waitFor(async () => (await call('GET', `/api/v1/evidence/${replacement.body.id}`)).status === 'processed', 'the renewed policy processed');
    expect(await call('GET', `/api/v1/evidence/${replacement.body.id}`)).toMatchObject({
      supersedes: accepted.body.id,
      title: 'Information security policy',
      validUntil: at(41 + 365),
    });
    expect(await call('GET', `/api/v1/evidence/${accepted.body.id}`)).toMatchObject({ status: 'superseded', supersededBy: replacement.body.id });
    await waitFor(async () => hooks('evidence.renewed').length === 1, 'evidence.renewed');
    // 14 and 7 days before, the day itself (the 1-day step passed over while the clock jumped), one week late.
    expect(remediationMail()).toEqual([
      expect.stringMatching(/Remediation due .*: No SBOM for the build$/),
      expect.stringMatching(/Remediation due .*: No SBOM for the build$/),
      expect.stringMatching(/Remediation due .*: No SBOM for the build$/),
      expect.stringMatching(/Remediation overdue: No SBOM for the build$/),
    ]);
    const next = opened.find((row) => row.openedBy === 'trigger:finding_overdue')!;
    // Bo joins the supplier's contacts before the next assessment goes out.
    const bo = `bo-${Math.random().toString(36).slice(2, 8)}@almanac.test`;
    await call('POST', `/api/v1/suppliers/${supplier.id}/contacts`, { name: 'Bo Almanac', email: bo });
    await call('POST', `/api/v1/assessments/${next.id}/send`, {});
    const later = await call('POST', `/api/v1/assessments/${next.id}/findings`, {
      claimId,
      severity: 'medium',
      title: 'Signing keys not rotated',
      remediationDueAt: new Date((await tt.now()).getTime() + DAY).toISOString(),
    });
    await tt.advance(2 * DAY);
    await owner.signIn();
    await waitFor(async () => hooks('finding.overdue').some((hook) => hook.data.findingId === later.id), 'finding.overdue of the later finding');
    expect(hooks('finding.overdue').map((hook) => hook.data.findingId)).toEqual([lapsing.id, later.id]);
    expect(hooks('finding.risk_acceptance_expired')).toHaveLength(1);
    expect(hooks('evidence.expiring')).toHaveLength(1);
    expect(hooks('evidence.expired')).toHaveLength(1);

    // Ada answers and signs the next assessment and the customer completes it; the findings link of
    // the later finding's email still answers that finding afterwards.
    const isNextSent = (message: SinkMessage) =>
      message.to.includes(ada) && /^\[[^\]]*\] Software Security Code of Practice assessment for Almanac/.test(mailSubject(message.raw));
    await waitFor(async () => tt.mail().filter(isNextSent).length === 2, 'the sending email of the next assessment');
    const nextLink = portalToken(tt.mail().filter(isNextSent)[1]!);
    // Bo asks Ada to sign: once an hour of business time, then again.
    const isBoSent = (message: SinkMessage) =>
      message.to.includes(bo) && /^\[[^\]]*\] Software Security Code of Practice assessment for Almanac/.test(mailSubject(message.raw));
    await waitFor(async () => tt.mail().some(isBoSent), 'the sending email to Bo');
    const boLink = portalToken(tt.mail().find(isBoSent)!);
    const askSignOff = () => tt.api('/api/v1/portal/assessment/sign-off-request', { method: 'POST', token: boLink, json: {} });
    expect((await askSignOff()).status).toBe(202);
    const tooSoon = await askSignOff();
    expect(tooSoon.status).toBe(409);
    expect(Date.parse(tooSoon.body.retryAt) - (await tt.now()).getTime()).toBeGreaterThan(59 * 60_000);
    await tt.advance(60 * 60_000);
    await owner.signIn();
    expect((await askSignOff()).status).toBe(202);
    for (const claim of (await call('GET', `/api/v1/assessments/${next.id}`)).claims as { id: string }[]) {
      expect((await tt.api(`/api/v1/portal/assessment/responses/${claim.id}`, { method: 'PUT', token: nextLink, json: { answer: 'met' } })).status).toBe(200);
    }
    const attestation = { name: 'Ada Almanac', role: 'CTO', email: ada, statement: true };
    expect((await tt.api('/api/v1/portal/assessment/submit', { method: 'POST', token: nextLink, json: { attestation } })).status).toBe(200);
    await call('POST', `/api/v1/assessments/${next.id}/complete`, { conclusion: 'Assured; key rotation under way' });
    expect((await tt.api('/api/v1/portal/assessment', { token: nextLink })).status).toBe(401);
    const isFindingMail = (message: SinkMessage) => message.to.includes(ada) && mailSubject(message.raw).includes('Signing keys not rotated');
    await waitFor(async () => tt.mail().some(isFindingMail), 'the email of the later finding');
    const findingsLink = portalToken(tt.mail().find(isFindingMail)!);
    const listed = await tt.api('/api/v1/portal/findings', { token: findingsLink });
    expect(listed.status).toBe(200);
    expect((listed.body.data as { id: string }[]).map((finding) => finding.id)).toEqual(expect.arrayContaining([later.id, lapsing.id]));
    const answered = await tt.api(`/api/v1/portal/findings/${later.id}`, {
      method: 'PATCH',
      token: findingsLink,
      json: { remediationPlan: 'Keys rotate quarterly from next month', agreed: true },
    });
    expect(answered.status).toBe(200);
    expect(await call('GET', `/api/v1/findings/${later.id}`)).toMatchObject({ remediationPlan: 'Keys rotate quarterly from next month', supplierAgreed: true });
  });
});
