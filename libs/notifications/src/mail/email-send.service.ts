import { APP_CONFIG, AppConfig } from '@assay/shared/config';
import { EmailSendPayload } from '@assay/shared/contracts';
import { TenantDatabase } from '@assay/shared/database';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { EmailQueue } from './email-queue';
import { ClaimedEmail, EmailOutcome, EmailsRepository } from './emails.repository';
import { MailRenderer, isTemplateName } from './mail-renderer';
import { MailTransport, describeMailError, isTemporaryMailError } from './mail-transport';

const UNKNOWN_TENANT_NAME = 'your customer';

/**
 * Sends a batch of logged emails. They are claimed first (so two workers never send one at once),
 * sent concurrently over the transport's connection pool, and their outcomes recorded together:
 * `sent`; `retrying` (a 4xx reply or a connection failure: a later attempt is queued with
 * exponential backoff until EMAIL_MAX_ATTEMPTS); `failed` (a 5xx reply, or the last attempt); or
 * `cancelled` (a reminder for an assessment that no longer wants reminders).
 */
@Injectable()
export class EmailSendService {
  private readonly logger = new Logger(EmailSendService.name);
  private readonly renderer = new MailRenderer();

  constructor(
    private readonly database: TenantDatabase,
    private readonly emails: EmailsRepository,
    private readonly transport: MailTransport,
    private readonly queue: EmailQueue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async send(payload: EmailSendPayload): Promise<Record<string, number>> {
    const { tenantId } = payload;
    const claimed = await this.database.run((manager) => this.emails.claim(manager, tenantId, payload.emailIds, this.config.recoveryAfterMs), tenantId);
    const outcomes = await Promise.all(claimed.map((email) => this.sendOne(email)));
    await this.database.run((manager) => this.emails.finish(manager, tenantId, outcomes), tenantId);
    const tally: Record<string, number> = {};
    for (const outcome of outcomes) {
      tally[outcome.status] = (tally[outcome.status] ?? 0) + 1;
      if (outcome.status === 'retrying') await this.queue.retry(tenantId, outcome.id, outcome.attempts ?? 1);
    }
    return tally;
  }

  private async sendOne(email: ClaimedEmail): Promise<EmailOutcome> {
    if (email.reminderStillWanted === false) return { id: email.id, status: 'cancelled', error: 'the assessment no longer wants reminders' };
    if (!isTemplateName(email.template)) return { id: email.id, status: 'failed', error: `unknown template ${email.template}` };
    const lastAttempt = email.attempts >= this.config.notifications.emailMaxAttempts;
    const tenantName = email.tenantName ?? (typeof email.params['tenantName'] === 'string' ? email.params['tenantName'] : null);
    // Every message names the organisation: wait (a while) for the tenant's own event to arrive.
    if (!tenantName && !lastAttempt) return { id: email.id, status: 'retrying', error: 'the tenant is not known yet', attempts: email.attempts };
    const name = tenantName ?? UNKNOWN_TENANT_NAME;
    try {
      const rendered = this.renderer.render(email.template, name, email.params);
      const { messageId } = await this.transport.send({
        ...rendered,
        id: email.id,
        to: { address: email.toAddress, name: email.toName },
        fromName: `${name} via Assay`,
      });
      return { id: email.id, status: 'sent', messageId };
    } catch (error) {
      const reason = describeMailError(error);
      if (isTemporaryMailError(error) && !lastAttempt) return { id: email.id, status: 'retrying', error: reason, attempts: email.attempts };
      this.logger.warn(`email ${email.id} (${email.template}) failed for good: ${reason}`);
      return { id: email.id, status: 'failed', error: reason };
    }
  }
}
