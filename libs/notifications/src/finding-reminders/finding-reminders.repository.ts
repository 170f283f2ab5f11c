import type { AssessmentRecipient, FindingEventData } from '@assay/shared/contracts';
import { writeProjection } from '@assay/shared/database';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** What remediation reminders of one finding are planned from. */
export interface FindingReminder {
  findingId: string;
  assessmentId: string;
  supplierName: string;
  title: string;
  severity: string;
  remediationDueAt: Date;
  openedAt: Date;
  recipients: AssessmentRecipient[];
  sentSteps: string[];
}

interface FindingReminderRow {
  id: string;
  assessment_id: string;
  supplier_name: string;
  title: string;
  severity: string;
  remediation_due_at: Date;
  opened_at: Date;
  recipients: AssessmentRecipient[];
  sent_steps: string[];
}

const REMINDING = `"open" and next_reminder_at is not null and next_reminder_at <= app.now()`;

/**
 * Per finding with a remediation date, the state its reminders are planned from, kept from the
 * assessments service's `finding.*` events by event time (a replayed or late event never rolls it
 * back). A finding reminds while it is `open` or `in_remediation`; each event asks for a fresh plan
 * at the next tick.
 */
@Injectable()
export class FindingRemindersRepository {
  async record(manager: EntityManager, tenantId: string, data: FindingEventData, eventAt: string): Promise<void> {
    if (!data.remediationDueAt) return;
    // Later events name the recipients without links: each keeps the findings link it was sent.
    const [known]: { recipients: AssessmentRecipient[] }[] = await manager.query(
      `select recipients from notifications.finding_reminders where tenant_id = $1 and id = $2`,
      [tenantId, data.findingId],
    );
    const links = new Map((known?.recipients ?? []).map((recipient) => [recipient.contactId, recipient.portalUrl]));
    const recipients = (data.recipients ?? []).map((recipient) => {
      const portalUrl = recipient.portalUrl ?? links.get(recipient.contactId);
      return portalUrl ? { ...recipient, portalUrl } : recipient;
    });
    await writeProjection(manager, {
      table: ['notifications', 'finding_reminders'],
      key: ['tenant_id', 'id'],
      values: {
        tenant_id: tenantId,
        id: data.findingId,
        assessment_id: data.assessmentId,
        supplier_id: data.supplierId,
        supplier_name: data.supplierName ?? 'the supplier',
        title: data.title,
        severity: data.severity,
        remediation_due_at: data.remediationDueAt,
        recipients: JSON.stringify(recipients),
        open: data.status === 'open' || data.status === 'in_remediation',
        next_reminder_at: eventAt,
        opened_at: eventAt,
      },
      // The reminders count from when the finding was raised (its first event), not from when this
      // service heard of it: a late event must not pass over steps due since.
      merge: { opened_at: 'current.opened_at' },
      eventAt,
    });
  }

  /** Tenants (system role) with a finding reminder due. */
  async tenantsWithDue(manager: EntityManager, limit: number): Promise<string[]> {
    const rows: { tenant_id: string }[] = await manager.query(
      `select tenant_id from notifications.finding_reminders where ${REMINDING} group by tenant_id limit $1`,
      [limit],
    );
    return rows.map((row) => row.tenant_id);
  }

  /** The tenant's findings with a reminder due, locked (rows another dispatcher holds are skipped). */
  async lockDue(manager: EntityManager, tenantId: string, limit: number): Promise<FindingReminder[]> {
    const rows: FindingReminderRow[] = await manager.query(
      `select id, assessment_id, supplier_name, title, severity, remediation_due_at, opened_at, recipients, sent_steps
       from notifications.finding_reminders where tenant_id = $1 and ${REMINDING} order by next_reminder_at limit $2 for update skip locked`,
      [tenantId, limit],
    );
    return rows.map((row) => ({
      findingId: row.id,
      assessmentId: row.assessment_id,
      supplierName: row.supplier_name,
      title: row.title,
      severity: row.severity,
      remediationDueAt: row.remediation_due_at,
      openedAt: row.opened_at,
      recipients: row.recipients,
      sentSteps: row.sent_steps,
    }));
  }

  /** Records the steps just passed (sent, or not for the supplier) and when the next falls due. */
  async advance(manager: EntityManager, tenantId: string, findingId: string, steps: string[], nextAt: Date | null): Promise<void> {
    await manager.query(
      `update notifications.finding_reminders set sent_steps = array(select distinct unnest(sent_steps || $3::text[])), next_reminder_at = $4, updated_at = app.now()
       where tenant_id = $1 and id = $2`,
      [tenantId, findingId, steps, nextAt],
    );
  }
}
