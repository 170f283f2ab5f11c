import { APP_CONFIG, AppConfig } from '@assay/shared/config';
import { JobName } from '@assay/shared/contracts';
import { JobProducer } from '@assay/shared/queue';
import { Inject, Injectable } from '@nestjs/common';

/**
 * Puts logged emails on the notifications queue, after the transaction that logged them commits. The
 * job id is the email id, so enqueueing twice (a replayed event, the sweep) is harmless; temporary
 * SMTP failures are retried by BullMQ with exponential backoff.
 */
@Injectable()
export class EmailQueue {
  constructor(
    private readonly producer: JobProducer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async enqueue(tenantId: string, emailIds: string[]): Promise<void> {
    const { emailMaxAttempts, emailRetryBaseMs } = this.config.notifications;
    await this.producer.enqueueMany(
      JobName.EmailSend,
      emailIds.map((emailId) => ({
        payload: { tenantId, emailId },
        options: { jobId: `email_${emailId}`, attempts: emailMaxAttempts, backoff: { type: 'exponential', delay: emailRetryBaseMs } },
      })),
    );
  }
}
