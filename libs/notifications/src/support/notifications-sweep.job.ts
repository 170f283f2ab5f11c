import { APP_CONFIG, AppConfig } from '@assay/shared/config';
import { JobName, SystemTickPayload } from '@assay/shared/contracts';
import { TenantDatabase } from '@assay/shared/database';
import { JobProducer, OnTick } from '@assay/shared/queue';
import { Inject, Injectable } from '@nestjs/common';

const LIMIT = 1_000;

/**
 * Work is accepted in Postgres first and enqueued after the commit; a crash in between would leave an
 * email (or its next retry) or a webhook attempt without its job, and a worker dying mid-send leaves an
 * email claimed. This tick finds such rows (waiting RECOVERY_AFTER_MS past when they should have
 * run; deliveries twice that) and enqueues them again. Handlers are idempotent, so a row whose job is
 * merely slow is not harmed by a second job.
 */
@Injectable()
export class NotificationsSweepJob {
  constructor(
    private readonly database: TenantDatabase,
    private readonly producer: JobProducer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @OnTick(JobName.NotificationsSweep)
  async sweep(_payload: SystemTickPayload): Promise<{ emails: number; deliveries: number }> {
    const { emails, deliveries } = await this.database.runAsSystem(async (manager) => ({
      emails: (await manager.query(
        `select tenant_id, id from notifications.emails
          where status in ('queued', 'sending', 'retrying')
            and updated_at < now() - make_interval(secs => $3::float8 / 1000)
                - case when status = 'retrying' then make_interval(secs => $2::float8 / 1000 * power(2, greatest(attempts - 1, 0))) else interval '0' end
          order by updated_at limit $1`,
        [LIMIT, this.config.notifications.emailRetryBaseMs, this.config.recoveryAfterMs],
      )) as { tenant_id: string; id: string }[],
      deliveries: (await manager.query(
        `select tenant_id, id, attempts from notifications.webhook_deliveries
          where status = 'pending' and next_attempt_at < now() - make_interval(secs => $2::float8 / 1000)
            and (attempt_lease_until is null or attempt_lease_until < now())
          order by next_attempt_at limit $1`,
        [LIMIT, this.config.recoveryAfterMs * 2],
      )) as { tenant_id: string; id: string; attempts: number }[],
    }));
    const slot = Math.floor(Date.now() / this.config.schedulerTickMs);
    await this.producer.enqueueMany(
      JobName.EmailSend,
      emails.map((row) => ({ payload: { tenantId: row.tenant_id, emailIds: [row.id] }, options: { jobId: `email_${row.id}_sweep_${slot}`, attempts: 5 } })),
    );
    await this.producer.enqueueMany(
      JobName.WebhookDeliver,
      deliveries.map((row) => ({
        payload: { tenantId: row.tenant_id, deliveryId: row.id, attempt: row.attempts + 1 },
        options: { jobId: `webhook_${row.id}_${row.attempts + 1}_sweep_${slot}` },
      })),
    );
    return { emails: emails.length, deliveries: deliveries.length };
  }
}
