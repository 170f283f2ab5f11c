import { LinkSealer } from '../support/link-sealer';
import { newId } from '@assay/shared/database';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { TemplateName } from './mail-templates';

export interface EmailDraft {
  template: TemplateName;
  to: { address: string; name?: string | null };
  params: Record<string, unknown>;
  /** Unique per tenant: the same draft queued twice (a replayed event) is one email. */
  dedupeKey: string;
  reminderId?: string | null;
  assessmentId?: string | null;
}

export type EmailStatus = 'queued' | 'sending' | 'sent' | 'retrying' | 'failed' | 'cancelled';

export interface ClaimedEmail {
  id: string;
  template: string;
  toAddress: string;
  toName: string | null;
  params: Record<string, unknown>;
  attempts: number;
  tenantName: string | null;
  /** For reminder emails: whether the assessment still wants reminders. */
  reminderStillWanted: boolean | null;
}

export interface EmailOutcome {
  id: string;
  status: Exclude<EmailStatus, 'queued' | 'sending'>;
  error?: string;
  messageId?: string;
  /** For `retrying`: the attempt that failed. */
  attempts?: number;
}

/**
 * A send attempt's lease has run out (on the database's clock). Claims made before leases had their
 * own column count from their last attempt. `$3` is the lease in milliseconds.
 */
const LEASE_LAPSED = `coalesce(e.claimed_until, e.last_attempt_at + make_interval(secs => $3::float8 / 1000)) < clock_timestamp()`;

/** The email log: one row per message with its status, attempts and last error. */
@Injectable()
export class EmailsRepository {
  constructor(private readonly links: LinkSealer) {}

  /** Logs drafts as queued; returns the ids of the drafts' emails still waiting to be sent. */
  async queue(manager: EntityManager, tenantId: string, drafts: EmailDraft[]): Promise<string[]> {
    if (drafts.length === 0) return [];
    const rows = drafts.map((draft) => ({
      id: newId(),
      template: draft.template,
      to_address: draft.to.address,
      to_name: draft.to.name ?? null,
      params: this.links.seal(tenantId, draft.params),
      dedupe_key: draft.dedupeKey,
      reminder_id: draft.reminderId ?? null,
      assessment_id: draft.assessmentId ?? null,
    }));
    await manager.query(
      `insert into notifications.emails (tenant_id, id, template, to_address, to_name, params, status, dedupe_key, reminder_id, assessment_id)
       select $1, d.id, d.template, d.to_address, d.to_name, d.params, 'queued', d.dedupe_key, d.reminder_id, d.assessment_id
         from jsonb_to_recordset($2::jsonb) as d(id uuid, template text, to_address text, to_name text, params jsonb, dedupe_key text, reminder_id uuid, assessment_id uuid)
       on conflict (tenant_id, dedupe_key) do nothing`,
      [tenantId, JSON.stringify(rows)],
    );
    const waiting: { id: string }[] = await manager.query(
      `select id from notifications.emails where tenant_id = $1 and dedupe_key = any($2::text[]) and status = 'queued'`,
      [tenantId, drafts.map((draft) => draft.dedupeKey)],
    );
    return waiting.map((row) => row.id);
  }

  /**
   * Claims emails for one send attempt each. Emails not waiting (already sent, given up, or being
   * sent by another worker whose lease has not run out) are left out. A claim lasts `leaseMs` on the
   * database's own clock (`clock_timestamp()`), never in business time, so moving business time
   * cannot end a lease early and send an email twice: an email whose worker died mid-send is claimed
   * again once its lease has run out (RECOVERY_AFTER_MS).
   */
  async claim(manager: EntityManager, tenantId: string, ids: string[], leaseMs: number): Promise<ClaimedEmail[]> {
    const [rows]: [
      {
        id: string;
        template: string;
        to_address: string;
        to_name: string | null;
        params: Record<string, unknown>;
        attempts: number;
        tenant_name: string | null;
        reminder_still_wanted: boolean | null;
      }[],
    ] = await manager.query(
      `update notifications.emails e set status = 'sending', attempts = e.attempts + 1, last_attempt_at = app.now(), updated_at = app.now(),
         claimed_until = clock_timestamp() + make_interval(secs => $3::float8 / 1000)
        where e.tenant_id = $1 and e.id = any($2::uuid[])
          and (e.status in ('queued', 'retrying') or (e.status = 'sending' and ${LEASE_LAPSED}))
       returning e.id, e.template, e.to_address, e.to_name, e.params, e.attempts,
         (select t.name from notifications.tenants t where t.tenant_id = e.tenant_id and t.id = e.tenant_id) as tenant_name,
         case when e.reminder_id is null then null
              else coalesce((select s.open from notifications.reminder_schedules s where s.tenant_id = e.tenant_id and s.id = e.assessment_id), false) end
           as reminder_still_wanted`,
      [tenantId, ids, leaseMs],
    );
    return rows.map((row) => ({
      id: row.id,
      template: row.template,
      toAddress: row.to_address,
      toName: row.to_name,
      params: this.links.open(tenantId, row.params),
      attempts: row.attempts,
      tenantName: row.tenant_name,
      reminderStillWanted: row.reminder_still_wanted,
    }));
  }

  /** Records the outcome of each attempt. */
  async finish(manager: EntityManager, tenantId: string, outcomes: EmailOutcome[]): Promise<void> {
    if (outcomes.length === 0) return;
    await manager.query(
      `update notifications.emails e set status = o.status, error = o.error, message_id = coalesce(o.message_id, e.message_id), updated_at = app.now(), claimed_until = null,
         sent_at = case when o.status = 'sent' then app.now() else e.sent_at end
         from jsonb_to_recordset($2::jsonb) as o(id uuid, status text, error text, message_id text)
        where e.tenant_id = $1 and e.id = o.id`,
      [
        tenantId,
        JSON.stringify(
          outcomes.map((outcome) => ({ id: outcome.id, status: outcome.status, error: outcome.error ?? null, message_id: outcome.messageId ?? null })),
        ),
      ],
    );
  }

  /**
   * Emails (system role) that should have moved on and have not: queued for longer than
   * `recoveryAfterMs`, retrying that long past their backoff (`retryBaseMs`, doubling per attempt), or
   * being sent under a lease that has run out.
   */
  async stranded(manager: EntityManager, retryBaseMs: number, recoveryAfterMs: number, limit: number): Promise<{ tenantId: string; id: string }[]> {
    const rows: { tenant_id: string; id: string }[] = await manager.query(
      `select tenant_id, id from notifications.emails e
        where (status in ('queued', 'retrying')
               and updated_at < app.now() - make_interval(secs => $3::float8 / 1000)
                   - case when status = 'retrying' then make_interval(secs => $2::float8 / 1000 * power(2, greatest(attempts - 1, 0))) else interval '0' end)
           or (status = 'sending' and ${LEASE_LAPSED})
        order by updated_at limit $1`,
      [limit, retryBaseMs, recoveryAfterMs],
    );
    return rows.map((row) => ({ tenantId: row.tenant_id, id: row.id }));
  }
}
