import { Access } from '@assay/shared/auth';
import { ApiProblem, Page, PageQueryDto } from '@assay/shared/http';
import { RequestContext } from '@assay/shared/tenancy-context';
import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { WebhookDelivery } from './webhook-deliveries.repository';
import { CreateWebhookEndpointDto, UpdateWebhookEndpointDto, WebhookEndpointsQueryDto } from './webhook-endpoints.dto';
import type { WebhookEndpoint } from './webhook-endpoints.repository';
import { WebhookEndpointsService } from './webhook-endpoints.service';

@ApiTags('Webhooks')
@Access('webhooks:manage')
@Controller('api/v1/webhook-endpoints')
export class WebhookEndpointsController {
  constructor(private readonly webhooks: WebhookEndpointsService) {}

  @Post()
  @ApiProblem(422)
  @ApiOperation({ summary: 'Register an endpoint; the signing secret (whsec_…) is returned only here' })
  async create(@Body() body: CreateWebhookEndpointDto): Promise<WebhookEndpoint & { secret: string }> {
    const { endpoint, secret } = await this.webhooks.create(RequestContext.tenantId, body);
    return { ...endpoint, secret };
  }

  @Get()
  @ApiOperation({ summary: 'The tenant’s webhook endpoints, newest first' })
  list(@Query() query: WebhookEndpointsQueryDto): Promise<Page<WebhookEndpoint>> {
    return this.webhooks.list(RequestContext.tenantId, query);
  }

  @Get(':id')
  get(@Param('id') id: string): Promise<WebhookEndpoint> {
    return this.webhooks.get(RequestContext.tenantId, id);
  }

  @Patch(':id')
  @ApiProblem(422)
  @ApiOperation({ summary: 'Change the URL, event filter, description, or pause / re-enable the endpoint' })
  update(@Param('id') id: string, @Body() body: UpdateWebhookEndpointDto): Promise<WebhookEndpoint> {
    return this.webhooks.update(RequestContext.tenantId, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('id') id: string): Promise<void> {
    await this.webhooks.delete(RequestContext.tenantId, id);
  }

  @Post(':id/test')
  @HttpCode(202)
  @ApiOperation({ summary: 'Send a webhook.test event to this endpoint now' })
  test(@Param('id') id: string): Promise<WebhookDelivery> {
    return this.webhooks.test(RequestContext.tenantId, id);
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  @ApiOperation({ summary: 'A new signing secret; the previous one keeps signing alongside it for a grace period' })
  async rotate(@Param('id') id: string): Promise<WebhookEndpoint & { secret: string }> {
    const { endpoint, secret } = await this.webhooks.rotateSecret(RequestContext.tenantId, id);
    return { ...endpoint, secret };
  }

  @Get(':id/deliveries')
  @ApiOperation({ summary: 'Delivery log of the endpoint: status, attempts with status code, duration and the first bytes of each answer' })
  deliveries(@Param('id') id: string, @Query() query: PageQueryDto): Promise<Page<WebhookDelivery>> {
    return this.webhooks.listDeliveries(RequestContext.tenantId, id, query);
  }
}

@ApiTags('Webhooks')
@Access('webhooks:manage')
@Controller('api/v1/webhook-deliveries')
export class WebhookDeliveriesController {
  constructor(private readonly webhooks: WebhookEndpointsService) {}

  @Get(':id')
  get(@Param('id') id: string): Promise<WebhookDelivery> {
    return this.webhooks.getDelivery(RequestContext.tenantId, id);
  }

  @Post(':id/redeliver')
  @HttpCode(202)
  @ApiOperation({ summary: 'Send the same event to the same endpoint again' })
  redeliver(@Param('id') id: string): Promise<WebhookDelivery> {
    return this.webhooks.redeliver(RequestContext.tenantId, id);
  }
}
