import { SinkMessage, form, mailSubject, mailText, waitFor } from '@assay/shared/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { useTimeTravelStack } from './time-travel-stack';

/*
 * A supplier inquiry over weeks of business time, on a stack of its own: the inquiry email, the
 * reminders of the tenant's policy (their links open), one `inquiry.overdue` when the due date passes
 * unanswered, the escalation to the internal owner, and silence once the supplier answers.
 */

const DAY = 86_400_000;
const LOG4SHELL = JSON.parse(readFileSync(join(__dirname, '../../libs/evidence/src/advisories/__fixtures__/GHSA-jfh8-c2jp-5v3q.osv.json'), 'utf8'));
const SBOM = readFileSync(join(__dirname, '../../apps/evidence/src/fixtures/cyclonedx.json'));
const stack = useTimeTravelStack();

/** The portal token in an email's link. */
function portalToken(message: SinkMessage): string {
  const url = /https?:\/\/\S+?\/portal\?token=[^\s"<>]+/.exec(mailText(message.raw))?.[0];
  if (!url) throw new Error(`no portal link in "${mailSubject(message.raw)}"`);
  return decodeURIComponent(new URL(url).searchParams.get('token') as string);
}

describe('a supplier inquiry over weeks of business time', () => {
  it('reminds the supplier with a link that opens, announces the lapse once, escalates to the owner, and stops once answered', async () => {
    const tt = stack();
    const owner = await tt.account();
    await owner.call('POST', '/api/v1/webhook-endpoints', { url: tt.receiver.url, events: ['inquiry.sent', 'inquiry.overdue', 'inquiry.answered'] });
    const supplier = await owner.call('POST', '/api/v1/suppliers', { name: 'Slowpoke Software', tier: 'high', role: 'developer_distributor' });
    const email = `pat-${Math.random().toString(36).slice(2, 8)}@slowpoke.test`;
    await owner.call('POST', `/api/v1/suppliers/${supplier.id}/contacts`, { name: 'Pat Patch', email });
    await owner.call('POST', '/api/v1/assessments', { supplierId: supplier.id, dueAt: new Date((await tt.now()).getTime() + 60 * DAY).toISOString() });
    await waitFor(
      async () => (await tt.owner.query(`select 1 from evidence.suppliers where id = $1`, [supplier.id])).rows.length === 1,
      'the supplier projection',
    );
    const sbom = await tt.api('/api/v1/evidence', { token: owner.accessToken, body: form({ supplierId: supplier.id }, SBOM, 'bom.json') });
    expect(sbom.status).toBe(202);
    await waitFor(
      async () => (await tt.owner.query(`select status from evidence.evidence where id = $1`, [sbom.body.id])).rows[0]?.status === 'processed',
      'the SBOM',
    );
    const submitted = await owner.call('POST', '/api/v1/advisories', LOG4SHELL);
    const advisoryId = await waitFor(async () => {
      const [row] = (await tt.owner.query(`select status, outcome from evidence.advisory_imports where id = $1`, [submitted.id])).rows;
      return row?.status === 'processed' ? (row.outcome.advisoryIds[0] as string) : null;
    }, 'the advisory import');

    const dueAt = new Date((await tt.now()).getTime() + 10 * DAY);
    const created = await owner.call('POST', `/api/v1/advisories/${advisoryId}/inquiries`, { dueAt: dueAt.toISOString() });
    const inquiryId = created.data[0].id as string;
    const toSupplier = (pattern: RegExp) => tt.mail().filter((message) => message.to.includes(email) && pattern.test(mailSubject(message.raw)));
    const toOwner = (pattern: RegExp) => tt.mail().filter((message) => message.to.includes(owner.email) && pattern.test(mailSubject(message.raw)));
    const opens = async (message: SinkMessage) => (await tt.api('/api/v1/portal/inquiry', { token: portalToken(message) })).status;
    const [sent] = await waitFor(
      async () => toSupplier(/Are you affected by CVE-2021-44228/).length === 1 && toSupplier(/Are you affected by CVE-2021-44228/),
      'the inquiry',
    );
    expect(await opens(sent as SinkMessage)).toBe(200);
    const hooks = (type: string) => tt.receiver.received.filter((hook) => hook.type === type && hook.data.inquiryId === inquiryId);
    await waitFor(async () => hooks('inquiry.sent').length === 1, 'inquiry.sent');

    // Four days on, six before the due date: the 7-day reminder, whose link opens now.
    await tt.advance(4 * DAY);
    const [reminder] = await waitFor(
      async () => toSupplier(/^\[.*\] Reminder: are you affected by CVE-2021-44228/).length === 1 && toSupplier(/Reminder:/),
      'the 7-day reminder',
    );
    expect(await opens(reminder as SinkMessage)).toBe(200);

    // A day past the due date: one inquiry.overdue, the owner told, the inquiry overdue.
    await tt.advance(7 * DAY);
    await waitFor(
      async () => (await tt.owner.query(`select status from evidence.inquiries where id = $1`, [inquiryId])).rows[0]?.status === 'overdue',
      'the inquiry marked overdue',
    );
    await waitFor(async () => hooks('inquiry.overdue').length === 1, 'inquiry.overdue');
    await waitFor(async () => toOwner(/Slowpoke Software has not answered about CVE-2021-44228 \(due/).length === 1, 'the owner told of the lapse');
    await owner.signIn();
    expect((await owner.call('GET', `/api/v1/inquiries/${inquiryId}`)).status).toBe('overdue');

    // Two weeks past it: the overdue reminder to the supplier, the escalation to the owner.
    await tt.advance(14 * DAY);
    const [overdueReminder] = await waitFor(
      async () => toSupplier(/Overdue: are you affected/).length >= 1 && toSupplier(/Overdue: are you affected/),
      'the overdue reminder',
    );
    expect(await opens(overdueReminder as SinkMessage)).toBe(200);
    await waitFor(async () => toOwner(/Escalation: Slowpoke Software has not answered about CVE-2021-44228/).length === 1, 'the escalation');

    // The supplier answers through the link: answered, and the reminders stop.
    const answered = await tt.api('/api/v1/portal/inquiry', {
      method: 'PUT',
      token: portalToken(overdueReminder as SinkMessage),
      json: { status: 'affected', actionStatement: 'Patched release 3.1.1 ships next week' },
    });
    expect(answered.status).toBe(200);
    await waitFor(async () => hooks('inquiry.answered').length === 1, 'inquiry.answered');
    const remindersBefore = toSupplier(/Reminder:|Overdue:/).length;
    await tt.advance(14 * DAY);
    await owner.signIn();
    expect((await owner.call('GET', `/api/v1/inquiries/${inquiryId}`)).status).toBe('answered');
    // The answer closed its reminder schedule: no tick plans another step for it.
    await waitFor(
      async () => (await tt.owner.query(`select open from notifications.inquiry_reminders where id = $1`, [inquiryId])).rows[0]?.open === false,
      'the reminders closed',
    );
    expect(toSupplier(/Reminder:|Overdue:/).length).toBe(remindersBefore);
    expect(hooks('inquiry.overdue')).toHaveLength(1);
  });
});
