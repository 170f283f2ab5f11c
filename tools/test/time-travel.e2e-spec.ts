import { SinkMessage, mailSubject, mailText, waitFor } from '@assay/shared/testing';
import { TimeTravelAccount, TimeTravelStack, useTimeTravelStack } from './time-travel-stack';

/*
 * Business time moved by the test, on a stack of its own: an assessment sent, a reminder step reached
 * by moving the clock (its email's link opens at that moment), the due date moved, the clock moved
 * past it, and exactly one `assessment.overdue` for the lapse.
 */

const DAY = 86_400_000;
const stack = useTimeTravelStack();

/** The portal token in an email's link. */
function portalToken(message: SinkMessage): string {
  const url = /https?:\/\/\S+?\/portal\?token=[^\s"<>]+/.exec(mailText(message.raw))?.[0];
  if (!url) throw new Error(`no portal link in "${mailSubject(message.raw)}"`);
  return new URL(url).searchParams.get('token') as string;
}

/** A call as the account's owner that fails the test on any answer other than a success. */
function caller(tt: TimeTravelStack, owner: TimeTravelAccount) {
  return async (method: string, path: string, json?: unknown) => {
    const answer = await tt.api(path, { method, token: owner.accessToken, ...(json === undefined ? {} : { json }) });
    if (answer.status >= 300) throw new Error(`${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body;
  };
}

describe('an assessment over months of business time', () => {
  it('reminds with a link that opens, follows a moved due date, and announces the lapse once', async () => {
    const tt = stack();
    const owner = await tt.account();
    const call = caller(tt, owner);
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

describe('documents and findings over months of business time', () => {
  it('warns of an expiring document at the tenant notice, reopens a finding whose risk acceptance ends, announces an overdue finding once', async () => {
    const tt = stack();
    const owner = await tt.account();
    const call = caller(tt, owner);
    const events = ['evidence.expiring', 'evidence.expired', 'finding.overdue', 'finding.risk_acceptance_expired', 'reassessment.due'];
    await call('POST', '/api/v1/webhook-endpoints', { url: tt.receiver.url, events });
    await call('PATCH', '/api/v1/tenant', { settings: { evidenceExpiryNoticeDays: 14, reassessmentTriggers: { findingOverdue: true } } });
    const supplier = await call('POST', '/api/v1/suppliers', { name: 'Almanac Assurance', tier: 'medium', role: 'developer_distributor' });
    const ada = `ada-${Math.random().toString(36).slice(2, 8)}@almanac.test`;
    await call('POST', `/api/v1/suppliers/${supplier.id}/contacts`, { name: 'Ada Almanac', email: ada, isSeniorResponsibleOwner: true });
    const start = await tt.now();
    const at = (days: number) => new Date(start.getTime() + days * DAY).toISOString();
    const hooks = (type: string) => tt.receiver.received.filter((hook) => hook.type === type);
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
    // 14 and 7 days before, the day itself (the 1-day step passed over while the clock jumped), one week late.
    expect(remediationMail()).toEqual([
      expect.stringMatching(/Remediation due .*: No SBOM for the build$/),
      expect.stringMatching(/Remediation due .*: No SBOM for the build$/),
      expect.stringMatching(/Remediation due .*: No SBOM for the build$/),
      expect.stringMatching(/Remediation overdue: No SBOM for the build$/),
    ]);
    const next = opened.find((row) => row.openedBy === 'trigger:finding_overdue')!;
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
  });
});
