import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ReminderKind } from './reminder-plan';

export interface SentReminder {
  id: string;
  assessmentId: string;
  step: string;
  kind: ReminderKind;
  /** Who it went to, with the state of each email. */
  recipients: { name: string; email: string; status: string; sentAt: string | null }[];
  dueAt: string;
  /** When the step fell due under the policy. */
  scheduledFor: string;
  sentAt: string;
}

interface ReminderRow {
  id: string;
  assessment_id: string;
  step: string;
  kind: ReminderKind;
  recipients: { name: string; email: string }[];
  due_at: Date;
  step_at: Date;
  sent_at: Date;
  emails: { email: string; status: string; sentAt: string | null }[] | null;
}

function toReminder(row: ReminderRow): SentReminder {
  const emails = new Map((row.emails ?? []).map((email) => [email.email.toLowerCase(), email]));
  return {
    id: row.id,
    assessmentId: row.assessment_id,
    step: row.step,
    kind: row.kind,
    recipients: row.recipients.map((recipient) => {
      const email = emails.get(recipient.email.toLowerCase());
      return { name: recipient.name, email: recipient.email, status: email?.status ?? 'unknown', sentAt: email?.sentAt ?? null };
    }),
    dueAt: row.due_at.toISOString(),
    scheduledFor: row.step_at.toISOString(),
    sentAt: row.sent_at.toISOString(),
  };
}

const SELECT_REMINDERS = `select r.id, r.assessment_id, r.step, r.kind, r.recipients, r.due_at, r.step_at, r.sent_at,
    (select jsonb_agg(jsonb_build_object('email', e.to_address, 'status', e.status, 'sentAt', e.sent_at))
       from notifications.emails e where e.tenant_id = r.tenant_id and e.reminder_id = r.id) as emails
  from notifications.reminders r`;

export interface NewReminder {
  id: string;
  assessmentId: string;
  step: string;
  kind: ReminderKind;
  recipients: { name: string; email: string }[];
  dueAt: Date;
  stepAt: Date;
}

/**
 * The reminders and escalations recorded per assessment and step (unique: a step is never sent twice),
 * with the state of the emails that carried them.
 */
@Injectable()
export class RemindersRepository {
  /** Newest first, keyset on `(sent_at, id)`; `after` is the last pair of the page before. */
  async list(manager: EntityManager, tenantId: string, assessmentId: string | null, limit: number, after: [string, string] | null): Promise<SentReminder[]> {
    const rows: ReminderRow[] = await manager.query(
      `${SELECT_REMINDERS} where r.tenant_id = $1 and ($2::uuid is null or r.assessment_id = $2)
         and ($3::timestamptz is null or (r.sent_at, r.id) < ($3, $4::uuid))
       order by r.sent_at desc, r.id desc limit $5`,
      [tenantId, assessmentId, after?.[0] ?? null, after?.[1] ?? null, limit],
    );
    return rows.map(toReminder);
  }

  /** The reminders of several assessments, oldest first. */
  async forAssessments(manager: EntityManager, tenantId: string, assessmentIds: readonly string[]): Promise<SentReminder[]> {
    const rows: ReminderRow[] = await manager.query(
      `${SELECT_REMINDERS} where r.tenant_id = $1 and r.assessment_id = any($2::uuid[]) order by r.sent_at, r.id`,
      [tenantId, assessmentIds],
    );
    return rows.map(toReminder);
  }

  async sentSteps(manager: EntityManager, tenantId: string, assessmentIds: string[]): Promise<Map<string, Set<string>>> {
    const sent = new Map<string, Set<string>>(assessmentIds.map((id) => [id, new Set<string>()]));
    if (assessmentIds.length === 0) return sent;
    // A step counts as sent for the assessment's current due date only: after a move, the new date's steps are sent again.
    const rows: { assessment_id: string; step: string }[] = await manager.query(
      `select r.assessment_id, r.step from notifications.reminders r
         join notifications.reminder_schedules s on s.tenant_id = r.tenant_id and s.id = r.assessment_id and s.due_at = r.due_at
        where r.tenant_id = $1 and r.assessment_id = any($2::uuid[])`,
      [tenantId, assessmentIds],
    );
    for (const row of rows) sent.get(row.assessment_id)?.add(row.step);
    return sent;
  }

  /** Records reminders; a step recorded before (by another worker) is left alone. Returns the ids recorded now. */
  async insertReminders(manager: EntityManager, tenantId: string, reminders: NewReminder[]): Promise<Set<string>> {
    if (reminders.length === 0) return new Set();
    const rows: { id: string }[] = await manager.query(
      `insert into notifications.reminders (tenant_id, id, assessment_id, step, kind, recipients, due_at, step_at)
       select $1, r.id, r.assessment_id, r.step, r.kind, r.recipients, r.due_at, r.step_at
         from jsonb_to_recordset($2::jsonb) as r(id uuid, assessment_id uuid, step text, kind text, recipients jsonb, due_at timestamptz, step_at timestamptz)
       on conflict (tenant_id, assessment_id, step, due_at) do nothing
       returning id`,
      [
        tenantId,
        JSON.stringify(
          reminders.map((reminder) => ({
            id: reminder.id,
            assessment_id: reminder.assessmentId,
            step: reminder.step,
            kind: reminder.kind,
            recipients: reminder.recipients,
            due_at: reminder.dueAt.toISOString(),
            step_at: reminder.stepAt.toISOString(),
          })),
        ),
      ],
    );
    return new Set(rows.map((row) => row.id));
  }
}
