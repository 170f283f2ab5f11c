import { clock } from '@assay/shared/clock';
import { JobName, type FindingEventData } from '@assay/shared/contracts';
import { TenantDatabase } from '@assay/shared/database';
import { JobProducer } from '@assay/shared/queue';
import { Injectable } from '@nestjs/common';
import { DirectoryRepository } from '../directory/directory.repository';
import { EmailQueue } from '../mail/email-queue';
import { EmailDraft, EmailsRepository } from '../mail/emails.repository';
import { planReminders } from '../reminders/reminder-plan';
import { FindingReminder, FindingRemindersRepository } from './finding-reminders.repository';

const BATCH = 250;
const TENANTS_PER_TICK = 5_000;

/**
 * Remediation reminders: the supplier's contacts who received the finding's assessment are reminded
 * before and after its `remediationDueAt` by the tenant's reminder policy (`beforeDueDays`,
 * `onDueDay`, `overdueEveryDays`, `overdueMaxReminders`: the supplier track of the assessment plan),
 * while the finding is `open` or `in_remediation`. Planned by state like assessment reminders: after
 * downtime only the latest due step goes out; each step is recorded with its emails (deduplicated per
 * finding, step and address) in one transaction.
 */
@Injectable()
export class FindingRemindersService {
  constructor(
    private readonly database: TenantDatabase,
    private readonly reminders: FindingRemindersRepository,
    private readonly directory: DirectoryRepository,
    private readonly emails: EmailsRepository,
    private readonly emailQueue: EmailQueue,
    private readonly producer: JobProducer,
  ) {}

  /** A finding event: its reminders are planned afresh at the next tick. */
  record(tenantId: string, data: FindingEventData, eventAt: string): Promise<void> {
    return this.database.run((manager) => this.reminders.record(manager, tenantId, data, eventAt), tenantId);
  }

  async fanOut(): Promise<{ tenants: number }> {
    const tenants = await this.database.runAsSystem((manager) => this.reminders.tenantsWithDue(manager, TENANTS_PER_TICK));
    return this.producer.fanOutPerTenant(JobName.FindingRemindersDispatch, tenants, 'finding-reminders');
  }

  async dispatch(tenantId: string): Promise<{ findings: number; emails: number }> {
    const { findings, emailIds } = await this.database.run(async (manager) => {
      const due = await this.reminders.lockDue(manager, tenantId, BATCH);
      if (due.length === 0) return { findings: 0, emailIds: [] as string[] };
      const policy = await this.directory.reminderPolicy(manager, tenantId);
      const now = clock.now();
      const drafts: EmailDraft[] = [];
      for (const finding of due) {
        const plan = planReminders(
          policy,
          { dueAt: finding.remediationDueAt, openedAt: finding.openedAt, hasSeniorResponsibleOwner: false, sentSteps: new Set(finding.sentSteps) },
          now,
        );
        // Only the supplier track applies to findings; escalation steps are passed over as they fall due.
        for (const step of plan.send.filter((candidate) => candidate.kind === 'reminder')) drafts.push(...this.draftsFor(finding, step.key));
        const passed = [...plan.send, ...plan.skipped].map((step) => step.key);
        await this.reminders.advance(manager, tenantId, finding.findingId, passed, plan.nextAt);
      }
      return { findings: due.length, emailIds: await this.emails.queue(manager, tenantId, drafts) };
    }, tenantId);
    await this.emailQueue.enqueue(tenantId, emailIds);
    if (findings === BATCH)
      await this.producer.enqueue(JobName.FindingRemindersDispatch, { tenantId }, { jobId: `finding-reminders_${tenantId}_more_${clock.nowMs()}` });
    return { findings, emails: emailIds.length };
  }

  private draftsFor(finding: FindingReminder, step: string): EmailDraft[] {
    return finding.recipients.map((recipient) => ({
      template: 'finding_reminder',
      to: { address: recipient.email, name: recipient.name },
      params: {
        recipientName: recipient.name,
        // The findings link the finding's first email carried (sealed at rest, opened only to render).
        ...(recipient.portalUrl ? { portalUrl: recipient.portalUrl } : {}),
        supplierName: finding.supplierName,
        title: finding.title,
        severity: finding.severity,
        remediationDueAt: finding.remediationDueAt.toISOString(),
        overdue: step.startsWith('overdue_'),
        step,
      },
      dedupeKey: `finding-reminder:${finding.findingId}:${step}:${recipient.email.toLowerCase()}`,
      assessmentId: finding.assessmentId,
    }));
  }
}
