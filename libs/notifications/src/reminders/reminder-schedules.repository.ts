import { LinkSealer } from '../support/link-sealer';
import type { AssessmentEventData, AssessmentRecipient } from '@assay/shared/contracts';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface ReminderSchedule {
  assessmentId: string;
  supplierName: string;
  productName: string | null;
  dueAt: Date;
  openedAt: Date;
  recipients: AssessmentRecipient[];
  seniorResponsibleOwner: AssessmentRecipient | null;
  internalOwnerUserId: string | null;
}

interface ScheduleRow {
  id: string;
  supplier_name: string;
  product_name: string | null;
  due_at: Date;
  opened_at: Date;
  recipients: AssessmentRecipient[];
  senior_responsible_owner: AssessmentRecipient | null;
  internal_owner_user_id: string | null;
}

const toSchedule = (row: ScheduleRow): ReminderSchedule => ({
  assessmentId: row.id,
  supplierName: row.supplier_name,
  productName: row.product_name,
  dueAt: row.due_at,
  openedAt: row.opened_at,
  recipients: row.recipients,
  seniorResponsibleOwner: row.senior_responsible_owner,
  internalOwnerUserId: row.internal_owner_user_id,
});

/** Keeps each recipient's portal link when a later event names the same contact without one. */
function mergeRecipients(stored: AssessmentRecipient[], incoming: AssessmentRecipient[] | undefined): AssessmentRecipient[] {
  if (!incoming || incoming.length === 0) return stored;
  const links = new Map(stored.filter((recipient) => recipient.portalUrl).map((recipient) => [recipient.contactId, recipient.portalUrl]));
  return incoming.map((recipient) =>
    recipient.portalUrl || !links.has(recipient.contactId) ? recipient : { ...recipient, portalUrl: links.get(recipient.contactId) },
  );
}

/**
 * One row per assessment with the state reminders are planned from. Writes from events apply only
 * when the event is not older than the last one applied, so a late `assessment.sent` never reopens
 * an assessment that was submitted after it.
 */
@Injectable()
export class ReminderSchedulesRepository {
  constructor(private readonly links: LinkSealer) {}

  async find(manager: EntityManager, tenantId: string, assessmentId: string): Promise<ReminderSchedule | null> {
    const [row]: ScheduleRow[] = await manager.query(`select * from notifications.reminder_schedules where tenant_id = $1 and id = $2`, [
      tenantId,
      assessmentId,
    ]);
    return row ? this.links.open(tenantId, toSchedule(row)) : null;
  }

  /** `assessment.sent` / `assessment.returned`: reminders (re)start; the next tick plans them. */
  async open(manager: EntityManager, tenantId: string, data: Omit<AssessmentEventData, 'reason'>, eventAt: string): Promise<void> {
    const [existing]: ScheduleRow[] = await manager.query(`select * from notifications.reminder_schedules where tenant_id = $1 and id = $2 for update`, [
      tenantId,
      data.assessmentId,
    ]);
    const recipients = mergeRecipients(existing?.recipients ?? [], data.recipients);
    const sro = data.seniorResponsibleOwner ?? existing?.senior_responsible_owner ?? null;
    await this.write(manager, tenantId, data, eventAt, {
      open: true,
      recipients,
      sro: sro ? (mergeRecipients(recipients, [sro])[0] ?? sro) : null,
      internalOwnerUserId: data.internalOwnerUserId ?? existing?.internal_owner_user_id ?? null,
    });
  }

  /** `assessment.submitted|completed|cancelled`: no reminder goes out from now on. */
  async close(manager: EntityManager, tenantId: string, data: Omit<AssessmentEventData, 'reason'>, eventAt: string): Promise<void> {
    await this.write(manager, tenantId, data, eventAt, {
      open: false,
      recipients: data.recipients ?? [],
      sro: data.seniorResponsibleOwner ?? null,
      internalOwnerUserId: data.internalOwnerUserId ?? null,
    });
  }

  private async write(
    manager: EntityManager,
    tenantId: string,
    data: Omit<AssessmentEventData, 'reason'>,
    eventAt: string,
    state: { open: boolean; recipients: AssessmentRecipient[]; sro: AssessmentRecipient | null; internalOwnerUserId: string | null },
  ): Promise<void> {
    await manager.query(
      `insert into notifications.reminder_schedules (tenant_id, id, supplier_id, supplier_name, product_name, due_at, opened_at, recipients,
         senior_responsible_owner, internal_owner_user_id, assessment_status, open, next_reminder_at, event_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, case when $12 then app.now() end, $7)
       on conflict (tenant_id, id) do update set
         supplier_id = excluded.supplier_id, supplier_name = excluded.supplier_name, product_name = excluded.product_name, due_at = excluded.due_at,
         opened_at = case when excluded.open then excluded.opened_at else notifications.reminder_schedules.opened_at end,
         recipients = case when excluded.open or jsonb_array_length(excluded.recipients) > 0 then excluded.recipients else notifications.reminder_schedules.recipients end,
         senior_responsible_owner = coalesce(excluded.senior_responsible_owner, notifications.reminder_schedules.senior_responsible_owner),
         internal_owner_user_id = coalesce(excluded.internal_owner_user_id, notifications.reminder_schedules.internal_owner_user_id),
         assessment_status = excluded.assessment_status, open = excluded.open, next_reminder_at = excluded.next_reminder_at,
         event_at = excluded.event_at, updated_at = app.now()
       where notifications.reminder_schedules.event_at <= excluded.event_at`,
      [
        tenantId,
        data.assessmentId,
        data.supplierId,
        data.supplierName,
        data.productName ?? null,
        data.dueAt,
        eventAt,
        JSON.stringify(this.links.seal(tenantId, state.recipients)),
        state.sro ? JSON.stringify(this.links.seal(tenantId, state.sro)) : null,
        state.internalOwnerUserId,
        data.status,
        state.open,
      ],
    );
  }

  /**
   * The due date moved (no row: the assessment was never sent, and its `assessment.sent` will carry the
   * date). An open schedule restarts from the move: `opened_at` becomes the move's time, so steps of the
   * new date before it are passed over, and the steps sent count per due date (see `RemindersRepository.sentSteps`).
   */
  async moveDue(manager: EntityManager, tenantId: string, data: Omit<AssessmentEventData, 'reason'>, eventAt: string): Promise<void> {
    await manager.query(
      `update notifications.reminder_schedules set due_at = $3,
         opened_at = case when open then $4::timestamptz else opened_at end,
         next_reminder_at = case when open then app.now() else next_reminder_at end,
         event_at = $4, updated_at = app.now()
       where tenant_id = $1 and id = $2 and event_at <= $4::timestamptz`,
      [tenantId, data.assessmentId, data.dueAt, eventAt],
    );
  }

  /** The reminder policy changed: every open schedule is planned again at the next tick. */
  async replanAll(manager: EntityManager, tenantId: string): Promise<void> {
    await manager.query(`update notifications.reminder_schedules set next_reminder_at = app.now(), updated_at = app.now() where tenant_id = $1 and open`, [
      tenantId,
    ]);
  }

  /** Tenants (system role) with an open schedule whose next reminder is due. */
  async tenantsWithDue(manager: EntityManager, limit: number): Promise<string[]> {
    const rows: { tenant_id: string }[] = await manager.query(
      `select tenant_id from notifications.reminder_schedules where open and next_reminder_at <= app.now() group by tenant_id limit $1`,
      [limit],
    );
    return rows.map((row) => row.tenant_id);
  }

  /** Due schedules, locked for this transaction; rows another dispatcher holds are skipped, never waited for. */
  async lockDue(manager: EntityManager, tenantId: string, limit: number): Promise<ReminderSchedule[]> {
    const rows: ScheduleRow[] = await manager.query(
      `select id, supplier_name, product_name, due_at, opened_at, recipients, senior_responsible_owner, internal_owner_user_id
         from notifications.reminder_schedules
        where tenant_id = $1 and open and next_reminder_at <= app.now()
        order by next_reminder_at
        limit $2
        for update skip locked`,
      [tenantId, limit],
    );
    return rows.map((row) => this.links.open(tenantId, toSchedule(row)));
  }

  async setNext(manager: EntityManager, tenantId: string, next: { assessmentId: string; at: Date | null }[]): Promise<void> {
    if (next.length === 0) return;
    await manager.query(
      `update notifications.reminder_schedules s set next_reminder_at = n.at, updated_at = app.now()
         from jsonb_to_recordset($2::jsonb) as n(id uuid, at timestamptz)
        where s.tenant_id = $1 and s.id = n.id`,
      [tenantId, JSON.stringify(next.map((item) => ({ id: item.assessmentId, at: item.at?.toISOString() ?? null })))],
    );
  }
}
