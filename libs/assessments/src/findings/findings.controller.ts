import { Access, PortalAccess } from '@assay/shared/auth';
import { pageLimit } from '@assay/shared/http';
import { RequestContext } from '@assay/shared/tenancy-context';
import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CreateFindingDto, FindingListQueryDto, PortalFindingDto, UpdateFindingDto } from './findings.dto';
import type { FindingView } from './finding-view';
import { FindingsService } from './findings.service';

@ApiTags('Assessments')
@Controller('api/v1')
export class FindingsController {
  constructor(private readonly findings: FindingsService) {}

  @Post('assessments/:id/findings')
  @Access('assessments:write')
  @ApiOperation({ summary: "A finding on one of the assessment's claims" })
  create(@Param('id', ParseUUIDPipe) id: string, @Body() body: CreateFindingDto) {
    return this.findings.create(RequestContext.tenantIdentity, id, body);
  }

  @Get('findings')
  @Access('assessments:read')
  list(@Query() query: FindingListQueryDto) {
    return this.findings.list(RequestContext.tenantId, { supplierId: query.supplierId, status: query.status }, pageLimit(query), query.cursor);
  }

  @Get('findings/:id')
  @Access('assessments:read')
  get(@Param('id', ParseUUIDPipe) id: string) {
    return this.findings.get(RequestContext.tenantId, id);
  }

  @Patch('findings/:id')
  @Access('assessments:write')
  @ApiOperation({ summary: 'open → in_remediation → resolved | accepted_risk (with a future riskAcceptedUntil)' })
  update(@Param('id', ParseUUIDPipe) id: string, @Body() body: UpdateFindingDto) {
    return this.findings.update(RequestContext.tenantIdentity, id, body.status, body.riskAcceptedUntil);
  }
}

@ApiTags('Supplier portal')
@Controller('api/v1/portal/findings')
@PortalAccess('assessment', 'findings')
export class PortalFindingsController {
  constructor(private readonly findings: FindingsService) {}

  @Get()
  @ApiOperation({
    summary:
      "The findings a portal link may answer: those of an assessment link's assessment, or every finding of a findings link's supplier (after completion too)",
  })
  async list(): Promise<{ data: FindingView[] }> {
    return { data: await this.findings.forPortal(RequestContext.portalIdentity) };
  }

  @Patch(':id')
  @ApiOperation({
    summary: "The supplier's remediation plan and whether it agrees (findings of an assessment link's assessment, or of a findings link's supplier)",
  })
  respond(@Param('id', ParseUUIDPipe) id: string, @Body() body: PortalFindingDto) {
    return this.findings.respond(RequestContext.portalIdentity, id, body);
  }
}
