import { graphql, mailSubject, mailText, ownerDataSourceForFile, waitForMail } from '@assay/shared/testing';
import { answerAndSubmit, inDays, organisation, portal, sentAssessment, waitFor } from './assessments-test-kit';

const owner = ownerDataSourceForFile();

const DAY = 86_400_000;

async function outbox(type: string, assessmentId: string): Promise<any[]> {
  const rows = await owner.query(`select payload from assessments.outbox where type = $1 and payload->'data'->>'assessmentId' = $2 order by created_at, id`, [
    type,
    assessmentId,
  ]);
  return rows.map((row: { payload: unknown }) => row.payload);
}

const fieldsOf = (body: any): string[] => (body.errors ?? []).map((error: { field: string }) => error.field);

describe('due dates that move', () => {
  it('moves the due date of an open assessment: links outlive it, reminders re-plan, the supplier is emailed; bad dates and closed assessments change nothing', async () => {
    const org = await organisation();
    const sent = await sentAssessment(owner, org);
    const url = `/api/v1/assessments/${sent.assessment.id}`;
    const before = (await org.call('GET', url)).body.dueAt as string;

    for (const dueAt of [inDays(-1), inDays(2 * 366 + 1), 'next week']) {
      const refused = await org.call('PATCH', url, { dueAt });
      expect(refused.status).toBe(400);
      expect(fieldsOf(refused.body)).toContain('dueAt');
    }
    expect((await org.call('GET', url)).body.dueAt).toBe(before);

    const dueAt = new Date(Date.now() + 200 * DAY);
    const moved = await org.call('PATCH', url, { dueAt: dueAt.toISOString(), reason: 'Your audit season' });
    expect(moved.status).toBe(200);
    expect(moved.body.dueAt).toBe(dueAt.toISOString());

    // Every emailed link (and a link shared by hand later) stays valid until 30 days past the new date.
    const links = (await org.call('GET', `${url}/portal-links`)).body.data as { expiresAt: string; status: string }[];
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) expect(new Date(link.expiresAt).getTime()).toBeGreaterThanOrEqual(dueAt.getTime() + 30 * DAY);
    expect((await portal(sent.token).get()).status).toBe(200);

    const [event] = await outbox('assessment.due_date_changed', sent.assessment.id);
    expect(event.data).toMatchObject({
      assessmentId: sent.assessment.id,
      supplierId: sent.supplier.id,
      previousDueAt: before,
      dueAt: dueAt.toISOString(),
      reason: 'Your audit season',
    });

    // The reminder schedule follows the new date; the supplier's contact gets an email with a link.
    await waitFor(async () => {
      const [schedule] = await owner.query(`select due_at from notifications.reminder_schedules where id = $1`, [sent.assessment.id]);
      return schedule && new Date(schedule.due_at).getTime() === dueAt.getTime();
    }, 'the reminder schedule on the new date');
    const mail = await waitForMail((messages) => messages.some((m) => m.to.includes(sent.contact.email) && mailSubject(m.raw).includes('New due date')));
    const email = mail.find((m) => m.to.includes(sent.contact.email) && mailSubject(m.raw).includes('New due date'));
    expect(mailText(email?.raw ?? '')).toContain('Your audit season');
    expect(mailText(email?.raw ?? '')).toContain('/portal?token=');

    expect((await org.call('POST', `${url}/cancel`, {})).status).toBe(200);
    const closed = await org.call('PATCH', url, { dueAt: inDays(40) });
    expect(closed.status).toBe(409);
    expect(fieldsOf(closed.body)).toContain('dueAt');
    expect((await org.call('GET', url)).body.dueAt).toBe(dueAt.toISOString());
    expect(await outbox('assessment.due_date_changed', sent.assessment.id)).toHaveLength(1);
  });

  it('returns with a new due date, and refuses a bad one without returning', async () => {
    const org = await organisation();
    const sent = await sentAssessment(owner, org);
    await answerAndSubmit(sent);
    const url = `/api/v1/assessments/${sent.assessment.id}`;
    const refused = await org.call('POST', `${url}/return`, { message: 'More detail please', dueAt: inDays(-3) });
    expect(refused.status).toBe(400);
    expect(fieldsOf(refused.body)).toContain('dueAt');
    expect((await org.call('GET', url)).body.status).toBe('submitted');

    const dueAt = inDays(21);
    const returned = await org.call('POST', `${url}/return`, { message: 'More detail please', dueAt });
    expect(returned.status).toBe(200);
    expect(returned.body).toMatchObject({ status: 'returned', dueAt });
    const [changed] = await outbox('assessment.due_date_changed', sent.assessment.id);
    expect(changed.data).toMatchObject({ dueAt, reason: 'More detail please' });
    const [event] = await outbox('assessment.returned', sent.assessment.id);
    expect(event.data.dueAt).toBe(dueAt);
  });

  it('takes one pending extension request at a time; an approval moves the due date, a second decision is refused', async () => {
    const org = await organisation();
    const sent = await sentAssessment(owner, org);
    const url = `/api/v1/assessments/${sent.assessment.id}`;
    const supplier = portal(sent.token).requestExtension;

    const tooEarly = await supplier({ requestedDueAt: inDays(10), reason: 'Sooner?' });
    expect(tooEarly.status).toBe(400);
    expect(fieldsOf(tooEarly.body)).toContain('requestedDueAt');
    const requestedDueAt = inDays(60);
    const requested = await supplier({ requestedDueAt, reason: 'Our SBOM tooling changes next month' });
    expect(requested.status).toBe(201);
    expect(requested.body).toMatchObject({ status: 'pending', requestedDueAt, reason: 'Our SBOM tooling changes next month' });
    const again = await supplier({ requestedDueAt: inDays(70), reason: 'Even more' });
    expect(again.status).toBe(409);

    const listed = await org.call('GET', `${url}/extension-requests`);
    expect(listed.status).toBe(200);
    expect(listed.body.data).toEqual([expect.objectContaining({ id: requested.body.id, status: 'pending' })]);

    const decided = await org.call('POST', `${url}/extension-requests/${requested.body.id}/decision`, { approve: true, comment: 'Granted' });
    expect(decided.status).toBe(200);
    expect(decided.body).toMatchObject({ status: 'approved', comment: 'Granted' });
    expect((await org.call('GET', url)).body.dueAt).toBe(requestedDueAt);
    const twice = await org.call('POST', `${url}/extension-requests/${requested.body.id}/decision`, { approve: false });
    expect(twice.status).toBe(409);
    expect((await org.call('POST', `${url}/extension-requests/${requested.body.id}/decision`, { approve: 'yes' })).status).toBe(400);

    // With none pending, the supplier may ask again; a rejection leaves the date alone.
    const second = await supplier({ requestedDueAt: inDays(90), reason: 'Still busy' });
    expect(second.status).toBe(201);
    expect((await org.call('POST', `${url}/extension-requests/${second.body.id}/decision`, { approve: false })).body.status).toBe('rejected');
    expect((await org.call('GET', url)).body.dueAt).toBe(requestedDueAt);

    expect((await outbox('assessment.extension_requested', sent.assessment.id)).map((e) => e.data.requestStatus)).toEqual(['pending', 'pending']);
    expect((await outbox('assessment.extension_decided', sent.assessment.id)).map((e) => e.data.requestStatus)).toEqual(['approved', 'rejected']);
    expect(await outbox('assessment.due_date_changed', sent.assessment.id)).toHaveLength(1);

    // The supplier's internal owner hears of each request; the supplier hears of the rejection (an approval's email is the new date's).
    const asked = (messages: { to: string[]; raw: string }[]) =>
      messages.filter((message) => message.to.includes(org.email) && mailSubject(message.raw).includes(`${sent.supplier.name} asks to extend the due date`));
    const requests = asked(await waitForMail((messages) => asked(messages).length === 2)).map((message) => mailText(message.raw));
    expect(requests.some((text) => text.includes('Our SBOM tooling changes next month'))).toBe(true);
    expect(requests.some((text) => text.includes('Still busy'))).toBe(true);
    const declined = await waitForMail((messages) =>
      messages.some((message) => message.to.includes(sent.contact.email) && mailSubject(message.raw).includes('Extension not granted')),
    );
    const text = mailText(
      declined.find((message) => message.to.includes(sent.contact.email) && mailSubject(message.raw).includes('Extension not granted'))!.raw,
    );
    expect(text).toMatch(/\/portal\?token=/);
  });

  it('mirrors moves and extension decisions over GraphQL, with the same rules', async () => {
    const org = await organisation();
    const sent = await sentAssessment(owner, org);
    const move = `mutation ($id: ID!, $input: MoveAssessmentDueDateInput!) { moveAssessmentDueDate(id: $id, input: $input) { id dueAt } }`;
    const refused = await graphql(move, { id: sent.assessment.id, input: { dueAt: inDays(-1) } }, org.auth);
    expect(refused.body.data?.moveAssessmentDueDate ?? null).toBeNull();
    expect(JSON.stringify(refused.body.errors)).toContain('dueAt');
    const dueAt = inDays(50);
    const moved = await graphql(move, { id: sent.assessment.id, input: { dueAt, reason: 'Over GraphQL' } }, org.auth);
    expect(moved.body.data.moveAssessmentDueDate).toEqual({ id: sent.assessment.id, dueAt });

    const requested = await portal(sent.token).requestExtension({ requestedDueAt: inDays(80), reason: 'More time' });
    expect(requested.status).toBe(201);
    const listed = await graphql(
      `
        query ($id: ID!) {
          assessment(id: $id) {
            extensionRequests {
              id
              status
              requestedDueAt
            }
          }
        }
      `,
      { id: sent.assessment.id },
      org.auth,
    );
    expect(listed.body.data.assessment.extensionRequests).toEqual([
      { id: requested.body.id, status: 'pending', requestedDueAt: requested.body.requestedDueAt },
    ]);
    const decide = `mutation ($a: ID!, $r: ID!, $input: ExtensionDecisionInput!) { decideExtensionRequest(assessmentId: $a, requestId: $r, input: $input) { id status } }`;
    const decided = await graphql(decide, { a: sent.assessment.id, r: requested.body.id, input: { approve: true } }, org.auth);
    expect(decided.body.data.decideExtensionRequest).toEqual({ id: requested.body.id, status: 'approved' });
    expect((await org.call('GET', `/api/v1/assessments/${sent.assessment.id}`)).body.dueAt).toBe(requested.body.requestedDueAt);
    const again = await graphql(decide, { a: sent.assessment.id, r: requested.body.id, input: { approve: false } }, org.auth);
    expect(again.body.data?.decideExtensionRequest ?? null).toBeNull();
    expect(JSON.stringify(again.body.errors)).toContain('approved already');
  });

  it('emits assessment.overdue once per lapse, again after a move and a new lapse', async () => {
    const org = await organisation();
    const sent = await sentAssessment(owner, org);
    const id = sent.assessment.id;
    // A lapse without waiting: the due date set in the past behind the API's back.
    const lapse = async (daysAgo: number) => {
      const dueAt = new Date(Date.now() - daysAgo * DAY);
      await owner.query(`update assessments.assessments set due_at = $2 where id = $1`, [id, dueAt]);
      return dueAt.toISOString();
    };
    const first = await lapse(2);
    await waitFor(async () => (await outbox('assessment.overdue', id)).length > 0, 'the first assessment.overdue');
    // Ticks keep running: still one event for that lapse.
    await waitFor(async () => (await owner.query(`select 1 from assessments.overdue_notices where assessment_id = $1`, [id])).length === 1, 'its notice');
    const second = await lapse(1);
    const events = await waitFor(async () => {
      const found = await outbox('assessment.overdue', id);
      return found.length >= 2 ? found : undefined;
    }, 'the overdue event of the second lapse');
    expect(events.map((event) => event.data.dueAt)).toEqual([first, second]);
    expect(events[0].data).toMatchObject({ assessmentId: id, supplierId: sent.supplier.id, status: 'sent' });
  });
});
