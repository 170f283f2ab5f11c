import { TenantDatabase } from '@assay/shared/database';
import { Page, PageQueryDto } from '@assay/shared/http';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { pageByTime } from '../support/paging';
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

/** The reminders and escalations that went out: to whom, when, for which step. */
@Injectable()
export class RemindersService {
  constructor(private readonly database: TenantDatabase) {}

  list(tenantId: string, assessmentId: string | undefined, query: PageQueryDto): Promise<Page<SentReminder>> {
    return pageByTime(
      query,
      (reminder) => reminder.sentAt,
      (limit, after) =>
        this.database.run(async (manager) => {
          const rows: ReminderRow[] = await manager.query(
            `${SELECT_REMINDERS} where r.tenant_id = $1 and ($2::uuid is null or r.assessment_id = $2)
             and ($3::timestamptz is null or (r.sent_at, r.id) < ($3, $4::uuid))
           order by r.sent_at desc, r.id desc limit $5`,
            [tenantId, assessmentId ?? null, after?.[0] ?? null, after?.[1] ?? null, limit],
          );
          return rows.map(toReminder);
        }, tenantId),
    );
  }

  /** Reminders of several assessments at once (GraphQL `Assessment.reminders`, batched per request). */
  async forAssessments(tenantId: string, assessmentIds: readonly string[]): Promise<Map<string, SentReminder[]>> {
    const byAssessment = new Map<string, SentReminder[]>(assessmentIds.map((id) => [id, []]));
    if (assessmentIds.length === 0) return byAssessment;
    await this.database.run(async (manager: EntityManager) => {
      const rows: ReminderRow[] = await manager.query(
        `${SELECT_REMINDERS} where r.tenant_id = $1 and r.assessment_id = any($2::uuid[]) order by r.sent_at, r.id`,
        [tenantId, assessmentIds],
      );
      for (const row of rows) byAssessment.get(row.assessment_id)?.push(toReminder(row));
    }, tenantId);
    return byAssessment;
  }
}
