import { Access } from '@assay/shared/auth';
import { RequestContext } from '@assay/shared/tenancy-context';
import { Body, Controller, Get, Patch } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { UpdateTenantDto } from '../tenancy.dto';
import { TenantService } from './tenant.service';

@ApiTags('Organisation')
@Controller('api/v1/tenant')
export class TenantController {
  constructor(private readonly tenants: TenantService) {}

  @Get()
  @Access('tenant:read')
  @ApiOperation({ summary: 'The organisation and its settings (defaults filled in)' })
  get() {
    return this.tenants.get(RequestContext.tenantId);
  }

  @Patch()
  @Access('tenant:manage')
  @ApiOperation({ summary: 'Rename the organisation or change settings (validated; nested objects are merged)' })
  update(@Body() body: UpdateTenantDto) {
    return this.tenants.update(RequestContext.tenantIdentity, body);
  }
}
