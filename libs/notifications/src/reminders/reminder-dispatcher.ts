import { clock, machineNow } from '@assay/shared/clock';
import { JobName, type AssessmentRecipient, type ReminderPolicy, type ReminderSentEventData } from '@assay/shared/contracts';
import { TenantDatabase, newId, writeOutboxEvents } from '@assay/shared/database';
import { JobProducer } from '@assay/shared/queue';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DirectoryMember, DirectoryRepository } from '../directory/directory.repository';
import { EmailQueue } from '../mail/email-queue';
import { EmailDraft, EmailsRepository } from '../mail/emails.repository';
import type { TemplateName } from '../mail/mail-templates';
import { NOTIFICATIONS_SCHEMA } from '../support/notifications.constants';
import { ReminderStep, planReminders } from './reminder-plan';
import { ReminderSchedule, ReminderSchedulesRepository } from './reminder-schedules.repository';
import { NewReminder, RemindersRepository } from './reminders.repository';

const DAY_MS = 86_400_000;
const BATCH = 250;
/** Batches one dispatch job runs before handing over to a fresh job, so one tenant cannot hog a worker slot. */
const BATCHES_PER_JOB = 40;
const TENANTS_PER_TICK = 5_000;

interface Recipient {
  name: string;
  email: string;
  portalUrl?: string;
}

interface Owners {
  members: Map<string, DirectoryMember>;
  admins: DirectoryMember[];
}

export interface DispatchOutcome {
  /** Schedules looked at (and re-planned). */
  planned: number;
  /** Reminders and escalations recorded. */
  reminders: number;
  emails: number;
}

function templateFor(step: ReminderStep): TemplateName {
  if (step.kind !== 'reminder') return step.kind;
  if (step.key === 'due') return 'reminder_due';
  return step.key.startsWith('before_') ? 'reminder_before' : 'reminder_overdue';
}

/**
 * Sends what is due for one tenant, a batch of schedules per transaction. Each batch locks its due
 * schedules with FOR UPDATE SKIP LOCKED (concurrent dispatchers share the work, never the rows),
 * records each step under its unique (assessment, step) key with ON CONFLICT DO NOTHING, logs the
 * emails, writes `reminder.sent` to the outbox and moves `next_reminder_at` on, all in one commit.
 * The emails are enqueued after the commit (the sweep re-enqueues any a crash left behind).
 */
@Injectable()
export class ReminderDispatcher {
  constructor(
    private readonly database: TenantDatabase,
    private readonly schedules: ReminderSchedulesRepository,
    private readonly reminders: RemindersRepository,
    private readonly directory: DirectoryRepository,
    private readonly emails: EmailsRepository,
    private readonly emailQueue: EmailQueue,
    private readonly producer: JobProducer,
  ) {}

  /** The tick: one dispatch job per tenant with a reminder due (one per tenant and tick slot). */
  async fanOut(): Promise<{ tenants: number }> {
    const tenants = await this.database.runAsSystem((manager) => this.schedules.tenantsWithDue(manager, TENANTS_PER_TICK));
    return this.producer.fanOutPerTenant(JobName.RemindersDispatch, tenants, 'reminders-dispatch');
  }

  /** Sends what is due for the tenant, batch after batch; past BATCHES_PER_JOB a fresh dispatch job carries on. */
  async dispatch(tenantId: string): Promise<{ reminders: number; emails: number }> {
    const total = { reminders: 0, emails: 0 };
    for (let batch = 0; batch < BATCHES_PER_JOB; batch++) {
      const outcome = await this.dispatchBatch(tenantId, BATCH);
      total.reminders += outcome.reminders;
      total.emails += outcome.emails;
      if (outcome.planned < BATCH) return total;
    }
    await this.producer.enqueue(JobName.RemindersDispatch, { tenantId }, { jobId: `reminders-dispatch_${tenantId}_more_${machineNow()}` });
    return total;
  }

  /** One batch; `planned < limit` means nothing more is due right now. */
  async dispatchBatch(tenantId: string, limit: number, now: () => Date = () => clock.now()): Promise<DispatchOutcome> {
    const { outcome, emailIds } = await this.database.run(async (manager) => {
      const due = await this.schedules.lockDue(manager, tenantId, limit);
      if (due.length === 0) return { outcome: { planned: 0, reminders: 0, emails: 0 }, emailIds: [] as string[] };
      const policy = await this.directory.reminderPolicy(manager, tenantId);
      const sent = await this.reminders.sentSteps(
        manager,
        tenantId,
        due.map((schedule) => schedule.assessmentId),
      );
      const owners = await this.ownersOf(manager, tenantId, due);
      const at = now();
      const reminders: NewReminder[] = [];
      const recipientsOf = new Map<string, Recipient[]>();
      const next: { assessmentId: string; at: Date | null }[] = [];
      for (const schedule of due) {
        const plan = this.plan(policy, schedule, sent.get(schedule.assessmentId) ?? new Set(), at);
        next.push({ assessmentId: schedule.assessmentId, at: plan.nextAt });
        for (const step of plan.send) {
          const recipients = this.recipientsFor(step, schedule, owners);
          const reminder: NewReminder = {
            id: newId(),
            assessmentId: schedule.assessmentId,
            step: step.key,
            kind: step.kind,
            recipients: recipients.map(({ name, email }) => ({ name, email })),
            dueAt: schedule.dueAt,
            stepAt: step.at,
          };
          reminders.push(reminder);
          recipientsOf.set(reminder.id, recipients);
        }
      }
      const recorded = await this.reminders.insertReminders(manager, tenantId, reminders);
      const fresh = reminders.filter((reminder) => recorded.has(reminder.id));
      const bySchedule = new Map(due.map((schedule) => [schedule.assessmentId, schedule]));
      const drafts = fresh.flatMap((reminder) =>
        this.draftsFor(reminder, bySchedule.get(reminder.assessmentId) as ReminderSchedule, recipientsOf.get(reminder.id) ?? [], at),
      );
      const emailIds = await this.emails.queue(manager, tenantId, drafts);
      await writeOutboxEvents(
        manager,
        NOTIFICATIONS_SCHEMA,
        tenantId,
        fresh.map((reminder) => ({
          type: 'reminder.sent' as const,
          data: {
            reminderId: reminder.id,
            assessmentId: reminder.assessmentId,
            step: reminder.step,
            kind: reminder.kind,
            recipients: reminder.recipients.map((r) => r.email),
          } satisfies ReminderSentEventData,
        })),
      );
      await this.schedules.setNext(manager, tenantId, next);
      return { outcome: { planned: due.length, reminders: fresh.length, emails: emailIds.length }, emailIds };
    }, tenantId);
    await this.emailQueue.enqueue(tenantId, emailIds);
    return outcome;
  }

  private plan(policy: ReminderPolicy, schedule: ReminderSchedule, sentSteps: Set<string>, now: Date) {
    return planReminders(
      policy,
      { dueAt: schedule.dueAt, openedAt: schedule.openedAt, hasSeniorResponsibleOwner: schedule.seniorResponsibleOwner !== null, sentSteps },
      now,
    );
  }

  /** Internal owners by user id; the tenant's admins stand in where the owner is unknown or gone. */
  private async ownersOf(manager: EntityManager, tenantId: string, due: ReminderSchedule[]): Promise<Owners> {
    const ids = [...new Set(due.map((schedule) => schedule.internalOwnerUserId).filter((id): id is string => id !== null))];
    const members = await this.directory.membersByIds(manager, tenantId, ids);
    const needAdmins = due.some((schedule) => !schedule.internalOwnerUserId || !members.has(schedule.internalOwnerUserId));
    return { members, admins: needAdmins ? await this.directory.admins(manager, tenantId) : [] };
  }

  private recipientsFor(step: ReminderStep, schedule: ReminderSchedule, owners: Owners): Recipient[] {
    const contact = (recipient: AssessmentRecipient): Recipient => ({ name: recipient.name, email: recipient.email, portalUrl: recipient.portalUrl });
    if (step.kind === 'reminder') return schedule.recipients.map(contact);
    if (step.kind === 'escalation_sro') return schedule.seniorResponsibleOwner ? [contact(schedule.seniorResponsibleOwner)] : [];
    const owner = schedule.internalOwnerUserId ? owners.members.get(schedule.internalOwnerUserId) : undefined;
    return (owner ? [owner] : owners.admins).map((member) => ({ name: member.name, email: member.email }));
  }

  private draftsFor(reminder: NewReminder, schedule: ReminderSchedule, recipients: Recipient[], now: Date): EmailDraft[] {
    const step = { key: reminder.step, kind: reminder.kind, at: reminder.stepAt };
    const untilDue = (schedule.dueAt.getTime() - now.getTime()) / DAY_MS;
    return recipients.map((recipient) => ({
      template: templateFor(step),
      to: { address: recipient.email, name: recipient.name },
      params: {
        recipientName: recipient.name,
        supplierName: schedule.supplierName,
        productName: schedule.productName,
        dueAt: schedule.dueAt.toISOString(),
        step: reminder.step,
        daysLeft: Math.max(1, Math.round(untilDue)),
        daysOverdue: Math.max(1, Math.floor(-untilDue)),
        ...(recipient.portalUrl ? { portalUrl: recipient.portalUrl } : {}),
      },
      dedupeKey: `reminder:${reminder.id}:${recipient.email.toLowerCase()}`,
      reminderId: reminder.id,
      assessmentId: reminder.assessmentId,
    }));
  }
}
