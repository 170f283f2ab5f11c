import { Access } from '@assay/shared/auth';
import { NotFoundProblem, encodeCursor } from '@assay/shared/http';
import { RequestContext } from '@assay/shared/tenancy-context';
import { Args, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { WebhookEndpointsService } from '../webhooks/webhook-endpoints.service';
import { AfterArg, FirstArg, pageArgs, toConnection } from '@assay/shared/graphql';
import {
  CreateWebhookEndpointInput,
  UpdateWebhookEndpointInput,
  WebhookDelivery,
  WebhookDeliveryConnection,
  WebhookEndpoint,
  WebhookEndpointConnection,
  WebhookEndpointWithSecret,
} from './notifications.types';

const byTime = (item: { createdAt: string; id: string }) => encodeCursor([item.createdAt, item.id]);

@Access('webhooks:manage')
@Resolver(() => WebhookEndpoint)
export class WebhooksResolver {
  constructor(private readonly webhooks: WebhookEndpointsService) {}

  @Query(() => WebhookEndpointConnection, { description: 'The tenant’s webhook endpoints, newest first' })
  async webhookEndpoints(@FirstArg() first?: number | null, @AfterArg() after?: string | null) {
    return toConnection(await this.webhooks.list(RequestContext.tenantId, pageArgs(first, after)), byTime);
  }

  @Query(() => WebhookEndpoint, { nullable: true })
  async webhookEndpoint(@Args('id', { type: () => ID }) id: string): Promise<WebhookEndpoint | null> {
    return this.webhooks.get(RequestContext.tenantId, id).catch((error: unknown) => {
      if (error instanceof NotFoundProblem) return null;
      throw error;
    });
  }

  @Query(() => WebhookDeliveryConnection, { description: 'Deliveries to one endpoint, newest first' })
  async webhookDeliveries(@Args('endpointId', { type: () => ID }) endpointId: string, @FirstArg() first?: number | null, @AfterArg() after?: string | null) {
    return toConnection(await this.webhooks.listDeliveries(RequestContext.tenantId, endpointId, pageArgs(first, after)), byTime);
  }

  @ResolveField(() => WebhookDeliveryConnection)
  async deliveries(@Parent() endpoint: WebhookEndpoint, @FirstArg() first?: number | null, @AfterArg() after?: string | null) {
    return toConnection(await this.webhooks.listDeliveries(RequestContext.tenantId, endpoint.id, pageArgs(first, after)), byTime);
  }

  @Mutation(() => WebhookEndpointWithSecret)
  createWebhookEndpoint(@Args('input') input: CreateWebhookEndpointInput): Promise<WebhookEndpointWithSecret> {
    return this.webhooks.create(RequestContext.tenantId, input);
  }

  @Mutation(() => WebhookEndpoint)
  updateWebhookEndpoint(@Args('id', { type: () => ID }) id: string, @Args('input') input: UpdateWebhookEndpointInput): Promise<WebhookEndpoint> {
    return this.webhooks.update(RequestContext.tenantId, id, input);
  }

  @Mutation(() => Boolean)
  async deleteWebhookEndpoint(@Args('id', { type: () => ID }) id: string): Promise<boolean> {
    await this.webhooks.delete(RequestContext.tenantId, id);
    return true;
  }

  @Mutation(() => WebhookEndpointWithSecret, { description: 'A new secret; the previous one keeps signing alongside it for a grace period' })
  rotateWebhookSecret(@Args('id', { type: () => ID }) id: string): Promise<WebhookEndpointWithSecret> {
    return this.webhooks.rotateSecret(RequestContext.tenantId, id);
  }

  @Mutation(() => WebhookDelivery, { description: 'Send a webhook.test event to the endpoint now' })
  testWebhookEndpoint(@Args('id', { type: () => ID }) id: string): Promise<WebhookDelivery> {
    return this.webhooks.test(RequestContext.tenantId, id);
  }

  @Mutation(() => WebhookDelivery, { description: 'Send the same event to the same endpoint again' })
  redeliverWebhookDelivery(@Args('id', { type: () => ID }) id: string): Promise<WebhookDelivery> {
    return this.webhooks.redeliver(RequestContext.tenantId, id);
  }
}
