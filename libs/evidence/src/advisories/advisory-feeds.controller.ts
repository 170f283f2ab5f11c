import { Access } from '@assay/shared/auth';
import { ApiProblem } from '@assay/shared/http';
import { RequestContext } from '@assay/shared/tenancy-context';
import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CreateAdvisoryFeedDto } from './advisory-feeds.dto';
import type { AdvisoryFeed } from './advisory-feeds.repository';
import { AdvisoryFeedsService } from './advisory-feeds.service';

@ApiTags('Advisories')
@Controller('api/v1/advisory-feeds')
export class AdvisoryFeedsController {
  constructor(private readonly feeds: AdvisoryFeedsService) {}

  @Post()
  @Access('evidence:write')
  @ApiProblem(409)
  @ApiProblem(422)
  @ApiOperation({ summary: 'Register an advisory feed (an OSV record or array, the KEV catalogue, or a CSAF provider) by URL' })
  create(@Body() body: CreateAdvisoryFeedDto): Promise<AdvisoryFeed> {
    return this.feeds.create(RequestContext.tenantId, body);
  }

  @Get()
  @Access('evidence:read')
  @ApiOperation({ summary: 'The tenant’s advisory feeds, newest first, each with its status and last error' })
  async list(): Promise<{ items: AdvisoryFeed[] }> {
    return { items: await this.feeds.list(RequestContext.tenantId) };
  }

  @Delete(':id')
  @HttpCode(204)
  @Access('evidence:write')
  @ApiProblem(404)
  @ApiOperation({ summary: 'Remove an advisory feed; the advisories it brought stay' })
  async remove(@Param('id') id: string): Promise<void> {
    await this.feeds.delete(RequestContext.tenantId, id);
  }
}
