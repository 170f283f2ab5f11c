import { JobName } from '@assay/shared/contracts';
import { JobProducer, QueueRegistry } from '@assay/shared/queue';
import { newId } from '@assay/shared/database';
import {
  appDatabase,
  mailSubject,
  mailText,
  ownerDataSource,
  receivedMail,
  serviceRequest,
  stackConfig,
  startExtraWorker,
  waitForMail,
} from '@assay/shared/testing';
import type { DataSource } from 'typeorm';
import { TestTenant, createTenant, daysAgo, emit, sentAssessment, uniqueEmail, waitFor } from './notifications-test-kit';

const DAY = 86_400_000;
const to = (address: string) => receivedMail().filter((message) => message.to.includes(address));
const reminderMailsTo = (address: string) => to(address).filter((message) => /Reminder:|Due today|Overdue/.test(mailSubject(message.raw)));

describe('reminders and assessment emails (real SMTP, real worker)', () => {
  let app: Awaited<ReturnType<typeof appDatabase>>;
  let owner: DataSource;
  let tenant: TestTenant;

  beforeAll(async () => {
    app = await appDatabase();
    owner = await ownerDataSource();
    tenant = await createTenant(app.database, owner, 'Acme');
  });
  afterAll(async () => {
    await app.dataSource.destroy();
    await owner.destroy();
  });

  it('emails the sent assessment with the portal link, then after downtime exactly one reminder (the latest missed step)', async () => {
    const email = uniqueEmail('sam');
    const data = sentAssessment({ dueInDays: 2, email });
    const portalUrl = data.recipients?.[0]?.portalUrl as string;
    // Sent 30 days ago while reminders were down: 14 and 7 days before due are both long past.
    await emit(app.database, 'assessments', tenant.tenantId, 'assessment.sent', data, daysAgo(30));

    const [invitation] = await waitForMail(() =>
      to(email).some((message) => /Software Security Code of Practice assessment/.test(mailSubject(message.raw))),
    ).then(() => to(email).filter((message) => /Software Security Code of Practice assessment for/.test(mailSubject(message.raw))));
    expect(mailSubject(invitation!.raw)).toContain(`[${tenant.name}]`);
    expect(mailText(invitation!.raw)).toContain(portalUrl);

    const [reminder] = await waitForMail(() => reminderMailsTo(email).length > 0).then(() => reminderMailsTo(email));
    expect(mailSubject(reminder!.raw)).toBe(`[${tenant.name}] Reminder: assessment for Widget Works (Widget Cloud) due in 2 days`);
    const text = mailText(reminder!.raw);
    expect(text).toContain(portalUrl);
    expect(text).toContain(tenant.name);

    // Several more ticks: still one reminder, and the schedule waits for the day before the due date.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(reminderMailsTo(email)).toHaveLength(1);
    const [schedule] = await owner.query(`select next_reminder_at from notifications.reminder_schedules where tenant_id = $1 and id = $2`, [
      tenant.tenantId,
      data.assessmentId,
    ]);
    expect(Math.abs(new Date(schedule.next_reminder_at).getTime() - (Date.parse(data.dueAt) - DAY))).toBeLessThan(1_000);

    const { status, body } = await serviceRequest('notifications', `/api/v1/reminders?assessmentId=${data.assessmentId}`, { identity: tenant.viewer });
    expect(status).toBe(200);
    expect(body.data).toEqual([
      expect.objectContaining({
        assessmentId: data.assessmentId,
        step: 'before_7',
        kind: 'reminder',
        recipients: [expect.objectContaining({ email, status: 'sent' })],
      }),
    ]);
    const events = await owner.query(`select payload from notifications.outbox where tenant_id = $1 and type = 'reminder.sent'`, [tenant.tenantId]);
    expect(events.map((row: any) => row.payload.data)).toContainEqual({
      reminderId: body.data[0].id,
      assessmentId: data.assessmentId,
      step: 'before_7',
      kind: 'reminder',
      recipients: [email],
    });
  });

  it('stops reminding the moment the assessment is submitted', async () => {
    const submittedEmail = uniqueEmail('stopped');
    const controlEmail = uniqueEmail('control');
    // The reminder 1 day before due falls due two seconds from now.
    const dueInDays = 1 + 2_500 / DAY;
    const submitted = sentAssessment({ dueInDays, email: submittedEmail });
    const control = { ...sentAssessment({ dueInDays, email: controlEmail }), dueAt: submitted.dueAt };
    await emit(app.database, 'assessments', tenant.tenantId, 'assessment.sent', submitted, daysAgo(30));
    await emit(app.database, 'assessments', tenant.tenantId, 'assessment.sent', control, daysAgo(30));
    await waitForMail(() => reminderMailsTo(submittedEmail).length === 1 && reminderMailsTo(controlEmail).length === 1);

    await emit(app.database, 'assessments', tenant.tenantId, 'assessment.submitted', { ...submitted, status: 'submitted', recipients: [] });
    await waitForMail(() => reminderMailsTo(controlEmail).length === 2);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    // The control got the step one day before due; the submitted one got nothing after its first reminder.
    expect(reminderMailsTo(submittedEmail)).toHaveLength(1);
    expect(reminderMailsTo(controlEmail).map((message) => mailSubject(message.raw))).toEqual([
      expect.stringContaining('due in 1 day'),
      expect.stringContaining('due in 1 day'),
    ]);
    const [schedule] = await owner.query(`select open, next_reminder_at from notifications.reminder_schedules where tenant_id = $1 and id = $2`, [
      tenant.tenantId,
      submitted.assessmentId,
    ]);
    expect(schedule).toEqual({ open: false, next_reminder_at: null });
  });

  it('escalates to the SRO and, with no known owner, to the tenant admins once the assessment is long overdue', async () => {
    const email = uniqueEmail('sro');
    const data = sentAssessment({ dueInDays: -15, email, sro: true });
    await emit(app.database, 'assessments', tenant.tenantId, 'assessment.sent', data, daysAgo(40));
    const { body } = await waitFor(async () => {
      const response = await serviceRequest('notifications', `/api/v1/reminders?assessmentId=${data.assessmentId}`, { identity: tenant.admin });
      return response.body.data?.length === 3 && response.body.data.every((r: any) => r.recipients.every((x: any) => x.status === 'sent')) ? response : null;
    }, 'three reminders');
    expect(body.data.map((reminder: any) => reminder.step).sort()).toEqual(['escalation_owner', 'escalation_sro', 'overdue_2']);
    const owners = body.data.find((reminder: any) => reminder.kind === 'escalation_owner').recipients;
    expect(owners.map((recipient: any) => recipient.email)).toEqual([tenant.admin.email]);
    const escalations = to(email).filter((message) => /Escalation:/.test(mailSubject(message.raw)));
    expect(escalations).toHaveLength(1);
    expect(mailText(escalations[0]!.raw)).toContain('Senior Responsible Owner');
  });

  describe('with a second worker process', () => {
    let second: { stop(): Promise<void> };
    let registry: QueueRegistry;

    beforeAll(async () => {
      registry = new QueueRegistry(stackConfig('worker'));
      second = await startExtraWorker();
    });
    afterAll(async () => {
      await registry.onApplicationShutdown();
      await second.stop();
    });

    it('two workers dispatching the same tenant at once send every reminder exactly once', async () => {
      const crowd = await createTenant(app.database, owner, 'Crowded');
      const assessments = Array.from({ length: 60 }, (_, index) => sentAssessment({ dueInDays: 2, email: uniqueEmail(`crowd${index}`) }));
      await app.database.run(async (manager) => {
        for (const data of assessments) {
          await manager.query(`insert into assessments.outbox (tenant_id, id, type, payload) values ($1, $2, 'assessment.sent', $3)`, [
            crowd.tenantId,
            data.assessmentId,
            JSON.stringify({ id: data.assessmentId, type: 'assessment.sent', timestamp: daysAgo(30).toISOString(), tenantId: crowd.tenantId, data }),
          ]);
        }
      }, crowd.tenantId);
      await waitFor(
        async () => (await owner.query(`select count(*)::int as n from notifications.reminder_schedules where tenant_id = $1`, [crowd.tenantId]))[0].n === 60,
        'the schedules',
        60_000,
      );
      // Besides the scheduler's ticks, several dispatch jobs for the tenant at once: both workers take some.
      await new JobProducer(registry).enqueueMany(
        JobName.RemindersDispatch,
        Array.from({ length: 8 }, (_, index) => ({ payload: { tenantId: crowd.tenantId }, options: { jobId: `race_${crowd.tenantId}_${index}` } })),
      );
      const emails = assessments.map((data) => data.recipients?.[0]?.email as string);
      await waitForMail(() => emails.every((address) => reminderMailsTo(address).length >= 1));
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      for (const address of emails) expect(reminderMailsTo(address)).toHaveLength(1);
      const [counts] = await owner.query(
        `select (select count(*)::int from notifications.reminders where tenant_id = $1) as reminders,
                (select count(*)::int from notifications.emails where tenant_id = $1 and reminder_id is not null) as emails`,
        [crowd.tenantId],
      );
      expect(counts).toEqual({ reminders: 60, emails: 60 });
    });
  });

  it("reminds of a finding's remediation from when the finding was raised, however late its event arrives", async () => {
    const email = uniqueEmail('late');
    const assessment = sentAssessment({ dueInDays: 30, email });
    // Raised ten days ago, due in two: the 7-days-before step fell due five days ago. The event reaches
    // this service only now (a relay that was behind, a clock moved on meanwhile): that step is still owed.
    await emit(
      app.database,
      'assessments',
      tenant.tenantId,
      'finding.created',
      {
        findingId: newId(),
        assessmentId: assessment.assessmentId,
        supplierId: assessment.supplierId,
        supplierName: 'Widget Works',
        claimId: '1.1.1',
        severity: 'high',
        title: 'Late but owed',
        status: 'open',
        remediationDueAt: new Date(Date.now() + 2 * DAY).toISOString(),
        recipients: assessment.recipients,
      },
      daysAgo(10),
    );
    const remediation = () => to(email).filter((message) => /Remediation due .*: Late but owed$/.test(mailSubject(message.raw)));
    await waitForMail(() => remediation().length > 0);
    expect(remediation()).toHaveLength(1);
  });
});
