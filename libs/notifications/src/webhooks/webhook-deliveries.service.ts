import { clock, machineNow } from '@assay/shared/clock';
import { APP_CONFIG, AppConfig } from '@assay/shared/config';
import { DomainEvent, WebhookDeliverPayload } from '@assay/shared/contracts';
import { TenantDatabase } from '@assay/shared/database';
import { safeRequest } from '@assay/shared/net';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DirectoryRepository } from '../directory/directory.repository';
import { EmailQueue } from '../mail/email-queue';
import { EmailsRepository } from '../mail/emails.repository';
import { withoutCredentialLinks } from '../support/link-sealer';
import { AttemptOutcome, DeliveryForAttempt, WebhookDeliveriesRepository } from './webhook-deliveries.repository';
import { EndpointSecrets, WebhookEndpointsRepository } from './webhook-endpoints.repository';
import { WebhookQueue } from './webhook-queue';
import { webhookRetryDelayMs } from './webhook-retry-schedule';
import { WebhookSecretCipher, signatureHeader } from './webhook-secrets';

/** Bytes of the receiver's answer kept in the delivery log. */
const SNIPPET_BYTES = 1024;
const USER_AGENT = 'Assay-Webhooks/1';
/** How long a claimed attempt stays claimed beyond the request's own time limit. */
const ATTEMPT_LEASE_MARGIN_MS = 30_000;

/**
 * Webhook deliveries: every public event becomes one delivery per subscribed endpoint, and each
 * attempt of a delivery is made here. An attempt is signed with Standard Webhooks headers (every
 * secret still valid signs), sent through the SSRF guard, 2xx within the timeout is success. A
 * failure schedules the next attempt with exponential backoff until the attempts run out; an
 * endpoint that has failed without a single success for the configured time (3 days) is disabled
 * and the tenant's admins are told.
 */
@Injectable()
export class WebhookDeliveriesService {
  private readonly logger = new Logger(WebhookDeliveriesService.name);

  constructor(
    private readonly database: TenantDatabase,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly endpoints: WebhookEndpointsRepository,
    private readonly directory: DirectoryRepository,
    private readonly emails: EmailsRepository,
    private readonly emailQueue: EmailQueue,
    private readonly cipher: WebhookSecretCipher,
    private readonly queue: WebhookQueue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** One delivery per endpoint subscribed to the event, each with its first attempt queued. */
  async createForEvent(event: DomainEvent): Promise<void> {
    // Portal and invitation links are credentials: they go to the people they are for, not to webhooks.
    const body = JSON.stringify({
      id: event.id,
      type: event.type,
      timestamp: event.timestamp,
      tenantId: event.tenantId,
      data: withoutCredentialLinks(event.data),
    });
    const waiting = await this.database.run(async (manager) => {
      const subscribed = await this.endpoints.subscribedTo(manager, event.tenantId, event.type);
      return this.deliveries.createForEvent(manager, event.tenantId, subscribed, event, body);
    }, event.tenantId);
    // Also re-enqueues what a crash after an earlier commit left waiting; job ids keep it to once.
    await this.queue.enqueueFirstAttempts(event.tenantId, waiting);
  }

  /** One attempt of one delivery (a job per attempt). */
  async deliver(payload: WebhookDeliverPayload): Promise<{ outcome: string }> {
    const { tenantId, deliveryId, attempt } = payload;
    const loaded = await this.database.run(async (manager) => {
      const delivery = await this.deliveries.forAttempt(manager, tenantId, deliveryId);
      const secrets = delivery ? await this.endpoints.secrets(manager, tenantId, delivery.endpointId) : null;
      return { delivery, secrets };
    }, tenantId);
    const { delivery, secrets } = loaded;
    if (!delivery || !secrets || delivery.status !== 'pending') return { outcome: 'nothing-to-do' };
    if (delivery.attempts >= attempt) return { outcome: 'attempt-already-made' };
    if (!delivery.endpointEnabled) {
      await this.database.run((manager) => this.deliveries.cancel(manager, tenantId, deliveryId, 'the endpoint is disabled'), tenantId);
      return { outcome: 'cancelled' };
    }

    const { notifications } = this.config;
    // Only one job sends a given attempt, however many were queued for it; the lease outlasts the request.
    const leaseMs = notifications.webhookTimeoutMs + ATTEMPT_LEASE_MARGIN_MS;
    const claimed = await this.database.run((manager) => this.deliveries.claimAttempt(manager, tenantId, deliveryId, attempt, leaseMs), tenantId);
    if (!claimed) return { outcome: 'attempt-in-progress' };
    // Transport time: receivers check the signed webhook-timestamp against their own clock.
    const startedAt = new Date(machineNow());
    const result = await this.attempt(delivery, secrets, tenantId, startedAt);
    const retryIn = result.succeeded || attempt >= notifications.webhookMaxAttempts ? null : webhookRetryDelayMs(attempt, notifications.webhookRetryBaseMs);
    const outcome: AttemptOutcome = { ...result, attempt, startedAt, nextAttemptAt: retryIn === null ? null : new Date(clock.nowMs() + retryIn) };
    const { recorded, disabledEmailIds } = await this.database.run(async (manager) => {
      const recorded = await this.deliveries.recordAttempt(manager, tenantId, deliveryId, outcome);
      if (!recorded) return { recorded, disabledEmailIds: [] as string[] };
      if (outcome.succeeded) {
        await this.endpoints.markHealthy(manager, tenantId, delivery.endpointId);
        return { recorded, disabledEmailIds: [] as string[] };
      }
      const failingSince = await this.endpoints.markFailing(manager, tenantId, delivery.endpointId);
      if (failingSince && clock.nowMs() - failingSince.getTime() >= notifications.webhookDisableAfterMs) {
        return { recorded, disabledEmailIds: await this.disableEndpoint(manager, tenantId, delivery.endpointId, delivery.url, failingSince) };
      }
      return { recorded, disabledEmailIds: [] as string[] };
    }, tenantId);
    await this.emailQueue.enqueue(tenantId, disabledEmailIds);
    if (recorded && retryIn !== null && disabledEmailIds.length === 0) await this.queue.enqueueAttempt(tenantId, deliveryId, attempt + 1, retryIn);
    return { outcome: result.succeeded ? 'succeeded' : retryIn === null ? 'failed' : 'will-retry' };
  }

  /** Signs and sends one attempt; every failure (refused target, timeout, non-2xx) is an outcome, not an exception. */
  private async attempt(
    delivery: DeliveryForAttempt,
    secrets: EndpointSecrets,
    tenantId: string,
    startedAt: Date,
  ): Promise<Pick<AttemptOutcome, 'statusCode' | 'responseSnippet' | 'error' | 'durationMs' | 'succeeded'>> {
    let signing: string[];
    try {
      signing = [this.cipher.decrypt(secrets.current, tenantId, delivery.endpointId)];
      if (secrets.previous && secrets.previousExpiresAt && secrets.previousExpiresAt > clock.now()) {
        signing.push(this.cipher.decrypt(secrets.previous, tenantId, delivery.endpointId));
      }
    } catch {
      this.logger.error(`webhook endpoint ${delivery.endpointId}: its signing secret cannot be decrypted (was DATA_ENCRYPTION_KEY changed?)`);
      return { statusCode: null, responseSnippet: null, error: 'the signing secret cannot be decrypted', durationMs: 0, succeeded: false };
    }
    try {
      const response = await safeRequest(delivery.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': USER_AGENT,
          'webhook-id': delivery.eventId,
          'webhook-timestamp': String(Math.floor(startedAt.getTime() / 1000)),
          'webhook-signature': signatureHeader(signing, delivery.eventId, startedAt, delivery.body),
        },
        body: delivery.body,
        timeoutMs: this.config.notifications.webhookTimeoutMs,
        maxResponseBytes: SNIPPET_BYTES,
        allowPrivate: this.config.webhookAllowPrivate,
      });
      const succeeded = response.status >= 200 && response.status < 300;
      return {
        statusCode: response.status,
        responseSnippet: response.body.toString('utf8'),
        error: succeeded ? null : `the receiver answered ${response.status}`,
        durationMs: response.durationMs,
        succeeded,
      };
    } catch (error) {
      return { statusCode: null, responseSnippet: null, error: describeFailure(error), durationMs: machineNow() - startedAt.getTime(), succeeded: false };
    }
  }

  private async disableEndpoint(manager: EntityManager, tenantId: string, endpointId: string, url: string, failingSince: Date) {
    const days = Math.round(this.config.notifications.webhookDisableAfterMs / 86_400_000);
    const disabled = await this.endpoints.disable(manager, tenantId, endpointId, `every delivery failed for ${days > 0 ? `${days} days` : 'too long'}`);
    if (!disabled) return [];
    await this.deliveries.cancelPendingForEndpoint(manager, tenantId, endpointId, 'the endpoint was disabled');
    this.logger.warn(`webhook endpoint ${endpointId} of tenant ${tenantId} disabled after failing since ${failingSince.toISOString()}`);
    const admins = await this.directory.admins(manager, tenantId);
    return this.emails.queue(
      manager,
      tenantId,
      admins.map((admin) => ({
        template: 'webhook_endpoint_disabled' as const,
        to: { address: admin.email, name: admin.name },
        params: { recipientName: admin.name, url, failingSince: failingSince.toISOString() },
        dedupeKey: `endpoint-disabled:${endpointId}:${failingSince.toISOString()}:${admin.email.toLowerCase()}`,
      })),
    );
  }
}

function describeFailure(error: unknown): string {
  const { name, message, code } = (error ?? {}) as { name?: string; message?: string; code?: string };
  if (name === 'TimeoutError' || name === 'AbortError' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT')
    return 'no answer within the time limit';
  return [code, message ?? String(error)].filter(Boolean).join(' ').slice(0, 500);
}
