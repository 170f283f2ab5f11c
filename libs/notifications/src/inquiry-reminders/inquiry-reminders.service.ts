import { clock } from '@assay/shared/clock';
import { JobName, type AssessmentRecipient, type InquiryEventData } from '@assay/shared/contracts';
import { TenantDatabase } from '@assay/shared/database';
import { JobProducer } from '@assay/shared/queue';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DirectoryRepository } from '../directory/directory.repository';
import { EmailQueue } from '../mail/email-queue';
import { EmailDraft, EmailsRepository } from '../mail/emails.repository';
import { ReminderStep, planReminders } from '../reminders/reminder-plan';
import { InquiryReminder, InquiryRemindersRepository } from './inquiry-reminders.repository';

const BATCH = 250;
const TENANTS_PER_TICK = 5_000;

/**
 * Reminders and escalation of supplier inquiries, by the tenant's reminder policy and the assessment
 * reminder plan (`planReminders`): the supplier's contacts are reminded before, on and after the due
 * date with their inquiry link; past `escalateToSroAfterDays` their Senior Responsible Owner, past
 * `escalateToOwnerAfterDays` the supplier's internal owner (or the admins). Planned by state on the
 * business clock: after downtime only the latest due step of each track goes out; each step is
 * recorded with its emails (deduplicated per inquiry, step and address) in one transaction. An answer
 * stops them.
 */
@Injectable()
export class InquiryRemindersService {
  constructor(
    private readonly database: TenantDatabase,
    private readonly reminders: InquiryRemindersRepository,
    private readonly directory: DirectoryRepository,
    private readonly emails: EmailsRepository,
    private readonly emailQueue: EmailQueue,
    private readonly producer: JobProducer,
  ) {}

  /** An inquiry event: its reminders are planned afresh at the next tick (or stop, once answered). */
  record(tenantId: string, data: InquiryEventData, recipients: AssessmentRecipient[] | null, eventAt: string): Promise<void> {
    return this.database.run((manager) => this.reminders.record(manager, tenantId, data, recipients, eventAt), tenantId);
  }

  async fanOut(): Promise<{ tenants: number }> {
    const tenants = await this.database.runAsSystem((manager) => this.reminders.tenantsWithDue(manager, TENANTS_PER_TICK));
    return this.producer.fanOutPerTenant(JobName.InquiryRemindersDispatch, tenants, 'inquiry-reminders');
  }

  async dispatch(tenantId: string): Promise<{ inquiries: number; emails: number }> {
    const { inquiries, emailIds } = await this.database.run(async (manager) => {
      const due = await this.reminders.lockDue(manager, tenantId, BATCH);
      if (due.length === 0) return { inquiries: 0, emailIds: [] as string[] };
      const policy = await this.directory.reminderPolicy(manager, tenantId);
      const now = clock.now();
      const drafts: EmailDraft[] = [];
      for (const inquiry of due) {
        const plan = planReminders(
          policy,
          {
            dueAt: inquiry.dueAt,
            openedAt: inquiry.openedAt,
            hasSeniorResponsibleOwner: inquiry.recipients.some((recipient) => recipient.isSeniorResponsibleOwner),
            sentSteps: new Set(inquiry.sentSteps),
          },
          now,
        );
        for (const step of plan.send) drafts.push(...(await this.draftsFor(manager, tenantId, inquiry, step)));
        await this.reminders.advance(
          manager,
          tenantId,
          inquiry.inquiryId,
          [...plan.send, ...plan.skipped].map((step) => step.key),
          plan.nextAt,
        );
      }
      return { inquiries: due.length, emailIds: await this.emails.queue(manager, tenantId, drafts) };
    }, tenantId);
    await this.emailQueue.enqueue(tenantId, emailIds);
    if (inquiries === BATCH)
      await this.producer.enqueue(JobName.InquiryRemindersDispatch, { tenantId }, { jobId: `inquiry-reminders_${tenantId}_more_${clock.nowMs()}` });
    return { inquiries, emails: emailIds.length };
  }

  private async draftsFor(manager: EntityManager, tenantId: string, inquiry: InquiryReminder, step: ReminderStep): Promise<EmailDraft[]> {
    const params = { supplierName: inquiry.supplierName, vulnerability: inquiry.vulnerability, dueAt: inquiry.dueAt.toISOString(), step: step.key };
    const draft = (template: 'inquiry_reminder' | 'inquiry_escalation', to: { email: string; name: string }, extra: Record<string, unknown>): EmailDraft => ({
      template,
      to: { address: to.email, name: to.name },
      params: { recipientName: to.name, ...params, ...extra },
      dedupeKey: `inquiry-reminder:${inquiry.inquiryId}:${step.key}:${to.email.toLowerCase()}`,
    });
    // The contacts' inquiry links were sealed when issued; they are opened only to render.
    const contact = (recipient: AssessmentRecipient) =>
      draft('inquiry_reminder', recipient, {
        overdue: step.key.startsWith('overdue_') || step.kind === 'escalation_sro',
        ...(recipient.portalUrl ? { portalUrl: recipient.portalUrl } : {}),
      });
    if (step.kind === 'reminder') return inquiry.recipients.map(contact);
    if (step.kind === 'escalation_sro') return inquiry.recipients.filter((recipient) => recipient.isSeniorResponsibleOwner).map(contact);
    const owner = inquiry.internalOwnerUserId
      ? (await this.directory.membersByIds(manager, tenantId, [inquiry.internalOwnerUserId])).get(inquiry.internalOwnerUserId)
      : undefined;
    return (owner ? [owner] : await this.directory.admins(manager, tenantId)).map((member) => draft('inquiry_escalation', member, {}));
  }
}
