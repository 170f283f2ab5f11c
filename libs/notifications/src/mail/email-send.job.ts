import { APP_CONFIG, AppConfig } from '@assay/shared/config';
import { EmailSendPayload, JobName } from '@assay/shared/contracts';
import { TenantDatabase } from '@assay/shared/database';
import { JobRunContext, OnJob } from '@assay/shared/queue';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { EmailsRepository } from './emails.repository';
import { MailRenderer, isTemplateName } from './mail-renderer';
import { MailTransport, describeMailError, isTemporaryMailError } from './mail-transport';

/** Thrown so BullMQ retries the job with backoff; the email log already says why. */
class TemporaryMailFailure extends Error {
  constructor(emailId: string, reason: string) {
    super(`email ${emailId} will be retried: ${reason}`);
    this.name = 'TemporaryMailFailure';
  }
}

const UNKNOWN_TENANT_NAME = 'your customer';

/**
 * Sends one logged email. The row is claimed first (so two workers never send it at once), the
 * outcome recorded after: `sent`, `retrying` (a 4xx reply or a connection failure; the job is
 * retried with backoff), `failed` (a 5xx reply, or the last attempt), or `cancelled` (a reminder for
 * an assessment that no longer wants reminders).
 */
@Injectable()
export class EmailSendJob {
  private readonly logger = new Logger(EmailSendJob.name);
  private readonly renderer = new MailRenderer();

  constructor(
    private readonly database: TenantDatabase,
    private readonly emails: EmailsRepository,
    private readonly transport: MailTransport,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @OnJob(JobName.EmailSend)
  async send(payload: EmailSendPayload, context?: JobRunContext): Promise<{ status: string }> {
    const { tenantId, emailId } = payload;
    const email = await this.database.run((manager) => this.emails.claim(manager, tenantId, emailId), tenantId);
    if (!email) return { status: 'not-waiting' };
    const finish = (status: 'sent' | 'retrying' | 'failed' | 'cancelled', detail: { error?: string; messageId?: string } = {}) =>
      this.database.run((manager) => this.emails.finish(manager, tenantId, emailId, status, detail), tenantId);

    if (email.reminderStillWanted === false) {
      await finish('cancelled', { error: 'the assessment no longer wants reminders' });
      return { status: 'cancelled' };
    }
    if (!isTemplateName(email.template)) {
      await finish('failed', { error: `unknown template ${email.template}` });
      return { status: 'failed' };
    }
    const lastAttempt = (context?.attemptsMade ?? 0) + 1 >= this.config.notifications.emailMaxAttempts;
    const tenantName = email.tenantName ?? (typeof email.params['tenantName'] === 'string' ? email.params['tenantName'] : null);
    if (!tenantName && !lastAttempt) {
      // The tenant's own event has not arrived yet; every message must name the organisation.
      await finish('retrying', { error: 'the tenant is not known yet' });
      throw new TemporaryMailFailure(emailId, 'the tenant is not known yet');
    }
    const name = tenantName ?? UNKNOWN_TENANT_NAME;
    try {
      const rendered = this.renderer.render(email.template, name, email.params);
      const { messageId } = await this.transport.send({
        ...rendered,
        id: email.id,
        to: { address: email.toAddress, name: email.toName },
        fromName: `${name} via Assay`,
      });
      await finish('sent', { messageId });
      return { status: 'sent' };
    } catch (error) {
      const reason = describeMailError(error);
      if (isTemporaryMailError(error) && !lastAttempt) {
        await finish('retrying', { error: reason });
        throw new TemporaryMailFailure(emailId, reason);
      }
      this.logger.warn(`email ${emailId} (${email.template}) failed for good: ${reason}`);
      await finish('failed', { error: reason });
      return { status: 'failed' };
    }
  }
}
