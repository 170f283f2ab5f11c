import { machineNow } from '@assay/shared/clock';
import { APP_CONFIG, AppConfig } from '@assay/shared/config';
import { JobName } from '@assay/shared/contracts';
import { TenantDatabase } from '@assay/shared/database';
import { JobProducer } from '@assay/shared/queue';
import { Inject, Injectable } from '@nestjs/common';
import { EmailsRepository } from '../mail/emails.repository';
import { WebhookDeliveriesRepository } from '../webhooks/webhook-deliveries.repository';

const LIMIT = 1_000;

/**
 * Work is accepted in Postgres first and enqueued after the commit; a crash in between would leave an
 * email (or its next retry) or a webhook attempt without its job, and a worker dying mid-send leaves an
 * email claimed. This finds such rows (waiting RECOVERY_AFTER_MS past when they should have run;
 * deliveries twice that) and enqueues them again. Handlers are idempotent, so a row whose job is
 * merely slow is not harmed by a second job.
 */
@Injectable()
export class NotificationsSweepService {
  constructor(
    private readonly database: TenantDatabase,
    private readonly emails: EmailsRepository,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly producer: JobProducer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async requeueStranded(): Promise<{ emails: number; deliveries: number }> {
    const { emails, deliveries } = await this.database.runAsSystem(async (manager) => ({
      emails: await this.emails.stranded(manager, this.config.notifications.emailRetryBaseMs, this.config.recoveryAfterMs, LIMIT),
      deliveries: await this.deliveries.stranded(manager, this.config.recoveryAfterMs * 2, LIMIT),
    }));
    const slot = Math.floor(machineNow() / this.config.schedulerTickMs);
    await this.producer.enqueueMany(
      JobName.EmailSend,
      emails.map((row) => ({ payload: { tenantId: row.tenantId, emailIds: [row.id] }, options: { jobId: `email_${row.id}_sweep_${slot}`, attempts: 5 } })),
    );
    await this.producer.enqueueMany(
      JobName.WebhookDeliver,
      deliveries.map((row) => ({
        payload: { tenantId: row.tenantId, deliveryId: row.id, attempt: row.attempts + 1 },
        options: { jobId: `webhook_${row.id}_${row.attempts + 1}_sweep_${slot}` },
      })),
    );
    return { emails: emails.length, deliveries: deliveries.length };
  }
}
