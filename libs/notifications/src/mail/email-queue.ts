import { APP_CONFIG, AppConfig } from '@assay/shared/config';
import { JobName } from '@assay/shared/contracts';
import { JobProducer } from '@assay/shared/queue';
import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';

/** Emails per send job: one claim and one status update cover the whole batch. */
export const EMAIL_BATCH = 100;

/**
 * Puts logged emails on the notifications queue, after the transaction that logged them commits.
 * Job ids derive from the email ids, so enqueueing the same emails twice (a replayed event) adds
 * nothing; and the send job claims each email before sending, so even two jobs never send one twice.
 */
@Injectable()
export class EmailQueue {
  constructor(
    private readonly producer: JobProducer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async enqueue(tenantId: string, emailIds: string[], label = 'emails'): Promise<void> {
    const batches: string[][] = [];
    for (let start = 0; start < emailIds.length; start += EMAIL_BATCH) batches.push(emailIds.slice(start, start + EMAIL_BATCH));
    await this.producer.enqueueMany(
      JobName.EmailSend,
      batches.map((batch) => ({
        payload: { tenantId, emailIds: batch },
        options: {
          jobId: `${label}_${createHash('sha256').update(batch.join(',')).digest('hex').slice(0, 32)}`,
          attempts: 5,
          backoff: { type: 'exponential', delay: 1_000 },
        },
      })),
    );
  }

  /** The next attempt of an email refused for now: exponential backoff from the configured base delay. */
  async retry(tenantId: string, emailId: string, failedAttempt: number): Promise<void> {
    const delay = this.config.notifications.emailRetryBaseMs * 2 ** Math.max(0, failedAttempt - 1);
    await this.producer.enqueue(JobName.EmailSend, { tenantId, emailIds: [emailId] }, { jobId: `email_${emailId}_retry_${failedAttempt}`, delay, attempts: 5 });
  }
}
