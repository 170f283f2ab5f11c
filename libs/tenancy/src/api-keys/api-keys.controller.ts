import { Access, GatewayInternal } from '@assay/shared/auth';
import { PageQueryDto, pageLimit } from '@assay/shared/http';
import { RequestContext } from '@assay/shared/tenancy-context';
import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiExcludeController, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CreateApiKeyDto, VerifyApiKeyDto } from '../tenancy.dto';
import { ApiKeysService } from './api-keys.service';

@ApiTags('API keys')
@Controller('api/v1/api-keys')
@Access('api-keys:manage')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @ApiOperation({ summary: 'Create an API key; `key` is in this response only' })
  create(@Body() body: CreateApiKeyDto) {
    return this.keys.create(RequestContext.tenantIdentity, body);
  }

  @Get()
  @ApiOperation({ summary: 'API keys (never the key itself)' })
  list(@Query() query: PageQueryDto) {
    return this.keys.list(RequestContext.tenantId, pageLimit(query), query.cursor);
  }

  @Get(':id')
  get(@Param('id', ParseUUIDPipe) id: string) {
    return this.keys.get(RequestContext.tenantId, id);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke a key: the next request with it is refused' })
  async revoke(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.keys.revoke(RequestContext.tenantIdentity, id);
  }
}

/** Credential checks the gateway makes before it knows the tenant. Not routed from outside. */
@ApiExcludeController()
@Controller('internal/credentials')
@GatewayInternal()
export class CredentialsController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post('api-key')
  @HttpCode(200)
  async verifyApiKey(@Body() body: VerifyApiKeyDto) {
    return { key: await this.keys.verify(body.key) };
  }
}
