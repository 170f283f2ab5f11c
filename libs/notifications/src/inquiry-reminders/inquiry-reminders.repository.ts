import type { AssessmentRecipient, InquiryEventData } from '@assay/shared/contracts';
import { writeProjection } from '@assay/shared/database';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** What the reminders of one supplier inquiry are planned from. */
export interface InquiryReminder {
  inquiryId: string;
  supplierName: string;
  vulnerability: string;
  dueAt: Date;
  openedAt: Date;
  recipients: AssessmentRecipient[];
  internalOwnerUserId: string | null;
  sentSteps: string[];
}

interface InquiryReminderRow {
  id: string;
  supplier_name: string;
  vulnerability: string;
  due_at: Date;
  opened_at: Date;
  recipients: AssessmentRecipient[];
  internal_owner_user_id: string | null;
  sent_steps: string[];
}

const REMINDING = `"open" and next_reminder_at is not null and next_reminder_at <= app.now()`;

/** How an inquiry's emails name the vulnerability: its CVE when it has one, else its first id. */
export function vulnerabilityName(data: Pick<InquiryEventData, 'externalIds'>): string {
  return data.externalIds.find((id) => id.startsWith('CVE-')) ?? data.externalIds[0] ?? 'an advisory';
}

/**
 * Per supplier inquiry, the state its reminders are planned from, kept from the `inquiry.*` events by
 * event time (a replayed or late event never rolls it back): opened when its links are issued (with
 * the contacts and their sealed links), closed when it is answered.
 */
@Injectable()
export class InquiryRemindersRepository {
  async record(manager: EntityManager, tenantId: string, data: InquiryEventData, recipients: AssessmentRecipient[] | null, eventAt: string): Promise<void> {
    const open = data.status !== 'answered';
    await writeProjection(manager, {
      table: ['notifications', 'inquiry_reminders'],
      key: ['tenant_id', 'id'],
      values: {
        tenant_id: tenantId,
        id: data.inquiryId,
        supplier_id: data.supplierId,
        supplier_name: data.supplierName,
        vulnerability: vulnerabilityName(data),
        due_at: data.dueAt,
        recipients: JSON.stringify(recipients ?? []),
        internal_owner_user_id: data.internalOwnerUserId ?? null,
        open,
        next_reminder_at: eventAt,
        opened_at: eventAt,
      },
      // An answer names no recipients: the ones the links went to stay. The reminders count from when
      // the inquiry was sent (its first event), not from when this service heard of it.
      merge: { opened_at: 'current.opened_at', ...(recipients ? {} : { recipients: 'current.recipients' }) },
      eventAt,
    });
  }

  /** Tenants (system role) with an inquiry reminder due. */
  async tenantsWithDue(manager: EntityManager, limit: number): Promise<string[]> {
    const rows: { tenant_id: string }[] = await manager.query(
      `select tenant_id from notifications.inquiry_reminders where ${REMINDING} group by tenant_id limit $1`,
      [limit],
    );
    return rows.map((row) => row.tenant_id);
  }

  /** The tenant's inquiries with a reminder due, locked (rows another dispatcher holds are skipped). */
  async lockDue(manager: EntityManager, tenantId: string, limit: number): Promise<InquiryReminder[]> {
    const rows: InquiryReminderRow[] = await manager.query(
      `select id, supplier_name, vulnerability, due_at, opened_at, recipients, internal_owner_user_id, sent_steps
       from notifications.inquiry_reminders where tenant_id = $1 and ${REMINDING} order by next_reminder_at limit $2 for update skip locked`,
      [tenantId, limit],
    );
    return rows.map((row) => ({
      inquiryId: row.id,
      supplierName: row.supplier_name,
      vulnerability: row.vulnerability,
      dueAt: row.due_at,
      openedAt: row.opened_at,
      recipients: row.recipients,
      internalOwnerUserId: row.internal_owner_user_id,
      sentSteps: row.sent_steps,
    }));
  }

  /** Records the steps just passed and when the next falls due. */
  async advance(manager: EntityManager, tenantId: string, inquiryId: string, steps: string[], nextAt: Date | null): Promise<void> {
    await manager.query(
      `update notifications.inquiry_reminders set sent_steps = array(select distinct unnest(sent_steps || $3::text[])), next_reminder_at = $4, updated_at = app.now()
       where tenant_id = $1 and id = $2`,
      [tenantId, inquiryId, steps, nextAt],
    );
  }
}
