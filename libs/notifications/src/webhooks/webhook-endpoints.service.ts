import { clock } from '@assay/shared/clock';
import { APP_CONFIG, AppConfig } from '@assay/shared/config';
import type { JsonObject } from '@assay/shared/contracts';
import { TenantDatabase, newId, recordAuditEvent } from '@assay/shared/database';
import { ConflictProblem, NotFoundProblem, Page, PageQueryDto, ProblemException } from '@assay/shared/http';
import { UnsafeTargetError, checkOutboundUrl } from '@assay/shared/net';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AUDIT_SERVICE } from '../support/notifications.constants';
import { isResourceId, pageByTime } from '../support/paging';
import { WebhookDeliveriesRepository, WebhookDelivery } from './webhook-deliveries.repository';
import { EndpointChanges, WebhookEndpoint, WebhookEndpointsRepository } from './webhook-endpoints.repository';
import { WebhookQueue } from './webhook-queue';
import { WebhookSecretCipher, generateWebhookSecret } from './webhook-secrets';

export interface CreatedEndpoint {
  endpoint: WebhookEndpoint;
  /** Shown once, here; only its ciphertext is stored. */
  secret: string;
}

export interface EndpointInput {
  url: string;
  events: string[];
  description?: string | null;
}

/** Webhook endpoints and their deliveries, for one tenant; every change is audited in its transaction. */
@Injectable()
export class WebhookEndpointsService {
  constructor(
    private readonly database: TenantDatabase,
    private readonly endpoints: WebhookEndpointsRepository,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly cipher: WebhookSecretCipher,
    private readonly queue: WebhookQueue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async create(tenantId: string, input: EndpointInput): Promise<CreatedEndpoint> {
    const url = this.checkUrl(input.url);
    const id = newId();
    const secret = generateWebhookSecret();
    const endpoint = await this.database.run(async (manager) => {
      const created = await this.endpoints.insert(manager, tenantId, {
        id,
        url,
        description: input.description ?? null,
        events: input.events,
        secretCiphertext: this.cipher.encrypt(secret, tenantId, id),
      });
      await this.audit(manager, tenantId, 'webhook_endpoint.created', id, { url, events: input.events, description: input.description ?? null });
      return created;
    }, tenantId);
    return { endpoint, secret };
  }

  list(tenantId: string, query: PageQueryDto): Promise<Page<WebhookEndpoint>> {
    return pageByTime(
      query,
      (endpoint) => endpoint.createdAt,
      (limit, after) => this.database.run((manager) => this.endpoints.list(manager, tenantId, limit, after), tenantId),
    );
  }

  async get(tenantId: string, id: string): Promise<WebhookEndpoint> {
    const endpoint = isResourceId(id) ? await this.database.run((manager) => this.endpoints.find(manager, tenantId, id), tenantId) : null;
    if (!endpoint) throw new NotFoundProblem('Webhook endpoint');
    return endpoint;
  }

  async update(tenantId: string, id: string, changes: EndpointChanges): Promise<WebhookEndpoint> {
    const url = changes.url === undefined ? undefined : this.checkUrl(changes.url);
    return this.withEndpoint(tenantId, id, async (manager, before) => {
      const after = (await this.endpoints.update(manager, tenantId, id, { ...changes, url })) as WebhookEndpoint;
      const diff: JsonObject = {};
      for (const field of ['url', 'events', 'enabled', 'description'] as const) {
        if (JSON.stringify(before[field]) !== JSON.stringify(after[field])) diff[field] = { from: before[field], to: after[field] };
      }
      await this.audit(manager, tenantId, 'webhook_endpoint.updated', id, diff);
      return after;
    });
  }

  async delete(tenantId: string, id: string): Promise<void> {
    await this.withEndpoint(tenantId, id, async (manager, endpoint) => {
      await this.endpoints.delete(manager, tenantId, id);
      await this.audit(manager, tenantId, 'webhook_endpoint.deleted', id, { url: endpoint.url });
    });
  }

  /** A new secret; the previous one keeps signing (alongside) for the grace period. */
  async rotateSecret(tenantId: string, id: string): Promise<CreatedEndpoint> {
    const secret = generateWebhookSecret();
    const endpoint = await this.withEndpoint(tenantId, id, async (manager) => {
      const secrets = await this.endpoints.secrets(manager, tenantId, id);
      const expiresAt = new Date(clock.nowMs() + this.config.notifications.webhookSecretGraceMs);
      const rotated = (await this.endpoints.rotate(
        manager,
        tenantId,
        id,
        this.cipher.encrypt(secret, tenantId, id),
        secrets?.current ?? '',
        expiresAt,
      )) as WebhookEndpoint;
      await this.audit(manager, tenantId, 'webhook_endpoint.secret_rotated', id, { previousSecretExpiresAt: expiresAt.toISOString() });
      return rotated;
    });
    return { endpoint, secret };
  }

  /** Sends a `webhook.test` event to this endpoint now, whatever it subscribes to. */
  async test(tenantId: string, id: string): Promise<WebhookDelivery> {
    const delivery = await this.withEndpoint(tenantId, id, async (manager, endpoint) => {
      if (!endpoint.enabled) throw new ConflictProblem('The endpoint is disabled; enable it before testing');
      const event = {
        id: newId(),
        type: 'webhook.test',
        timestamp: clock.now().toISOString(),
        tenantId,
        data: { endpointId: id, message: 'A test event from Assay.' },
      };
      const created = await this.deliveries.createSingle(manager, tenantId, {
        endpointId: id,
        eventId: event.id,
        eventType: event.type,
        body: JSON.stringify(event),
      });
      await this.audit(manager, tenantId, 'webhook_endpoint.tested', id, { deliveryId: created.id });
      return created;
    });
    await this.queue.enqueueFirstAttempts(tenantId, [delivery.id]);
    return delivery;
  }

  async listDeliveries(tenantId: string, endpointId: string, query: PageQueryDto): Promise<Page<WebhookDelivery>> {
    await this.get(tenantId, endpointId);
    return pageByTime(
      query,
      (delivery) => delivery.createdAt,
      (limit, after) => this.database.run((manager) => this.deliveries.listForEndpoint(manager, tenantId, endpointId, limit, after), tenantId),
    );
  }

  async getDelivery(tenantId: string, id: string): Promise<WebhookDelivery> {
    const delivery = isResourceId(id) ? await this.database.run((manager) => this.deliveries.find(manager, tenantId, id), tenantId) : null;
    if (!delivery) throw new NotFoundProblem('Webhook delivery');
    return delivery;
  }

  /** Sends the same event (same `webhook-id`) to the same endpoint again, as a new delivery with its own attempts. */
  async redeliver(tenantId: string, id: string): Promise<WebhookDelivery> {
    if (!isResourceId(id)) throw new NotFoundProblem('Webhook delivery');
    const delivery = await this.database.run(async (manager) => {
      const original = await this.deliveries.find(manager, tenantId, id);
      if (!original) throw new NotFoundProblem('Webhook delivery');
      const endpoint = await this.endpoints.find(manager, tenantId, original.endpointId);
      if (!endpoint?.enabled) throw new ConflictProblem('The endpoint is disabled; enable it before redelivering');
      const body = (await this.deliveries.body(manager, tenantId, id)) as string;
      const created = await this.deliveries.createSingle(manager, tenantId, {
        endpointId: original.endpointId,
        eventId: original.eventId,
        eventType: original.eventType,
        body,
        redeliveryOf: original.redeliveryOf ?? original.id,
      });
      await this.audit(manager, tenantId, 'webhook_delivery.redelivered', created.id, {
        redeliveryOf: original.id,
        endpointId: original.endpointId,
        eventId: original.eventId,
      });
      return created;
    }, tenantId);
    await this.queue.enqueueFirstAttempts(tenantId, [delivery.id]);
    return delivery;
  }

  private async withEndpoint<T>(tenantId: string, id: string, work: (manager: EntityManager, endpoint: WebhookEndpoint) => Promise<T>): Promise<T> {
    if (!isResourceId(id)) throw new NotFoundProblem('Webhook endpoint');
    return this.database.run(async (manager) => {
      const endpoint = await this.endpoints.find(manager, tenantId, id, true);
      if (!endpoint) throw new NotFoundProblem('Webhook endpoint');
      return work(manager, endpoint);
    }, tenantId);
  }

  private checkUrl(url: string): string {
    try {
      return checkOutboundUrl(url, { allowPrivate: this.config.webhookAllowPrivate }).toString();
    } catch (error) {
      if (error instanceof UnsafeTargetError) {
        throw new ProblemException(422, 'The webhook URL cannot be used', { errors: [{ field: 'url', message: error.reason }] });
      }
      throw error;
    }
  }

  private audit(manager: EntityManager, tenantId: string, action: string, targetId: string, changes: JsonObject) {
    return recordAuditEvent(manager, tenantId, AUDIT_SERVICE, {
      action,
      targetType: action.startsWith('webhook_delivery') ? 'webhook_delivery' : 'webhook_endpoint',
      targetId,
      changes,
    });
  }
}
