import { Access } from '@assay/shared/auth';
import { PageQueryDto, pageLimit } from '@assay/shared/http';
import { RequestContext } from '@assay/shared/tenancy-context';
import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditService } from './audit.service';

@ApiTags('Audit')
@Controller('api/v1/audit-events')
@Access('audit:read')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOperation({ summary: 'Every change in the organisation, newest first (actor, action, target, time, request id, changes, hash chain)' })
  list(@Query() query: PageQueryDto) {
    return this.audit.list(RequestContext.tenantId, pageLimit(query), query.cursor);
  }

  @Get('verify')
  @ApiOperation({ summary: 'Recompute the hash chain: `{ valid, checked, brokenAt? }`' })
  verify() {
    return this.audit.verify(RequestContext.tenantId);
  }
}
