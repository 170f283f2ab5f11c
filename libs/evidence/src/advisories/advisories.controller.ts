import { Access } from '@assay/shared/auth';
import { APP_CONFIG, AppConfig } from '@assay/shared/config';
import { NotFoundProblem, Page, decodeCursor, pageLimit, toPage } from '@assay/shared/http';
import { RequestContext } from '@assay/shared/tenancy-context';
import { Controller, Get, HttpCode, Inject, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { isMultipart, readUpload } from '../intake/evidence-intake.controller';
import { BLOB_STORAGE, BlobStorage } from '../storage/blob-storage';
import type { Advisory, AdvisoryImport, AdvisorySummary } from './advisories.repository';
import { AcceptedAdvisoryDocument, AdvisoryQueryDto } from './advisories.dto';
import { AdvisoriesService } from './advisories.service';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** No fields travel beside the `file` part of an advisory upload. */
class AdvisoryUploadFieldsDto {}

@ApiTags('Advisories')
@Controller('api/v1/advisories')
export class AdvisoriesController {
  constructor(
    private readonly advisories: AdvisoriesService,
    @Inject(BLOB_STORAGE) private readonly storage: BlobStorage,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post()
  @HttpCode(202)
  @Access('evidence:write')
  @ApiOperation({
    summary:
      'Submit an advisory document (an OSV record or a JSON array of them, a CSAF 2.0 document, or the CISA KEV catalogue) as JSON or a multipart `file`; the worker reads it',
  })
  @ApiConsumes('application/json', 'multipart/form-data')
  @ApiBody({
    description: 'The advisory document itself',
    schema: {
      oneOf: [
        { type: 'object', additionalProperties: true },
        { type: 'array', items: { type: 'object', additionalProperties: true } },
      ],
    },
  })
  async submit(@Req() request: FastifyRequest): Promise<AcceptedAdvisoryDocument> {
    const tenantId = RequestContext.tenantId;
    const maxBytes = this.config.evidence.maxBytes;
    if (isMultipart(request)) {
      const upload = await readUpload(this.storage, request, maxBytes, AdvisoryUploadFieldsDto);
      return this.advisories.accept(tenantId, upload.staged, maxBytes);
    }
    return this.advisories.acceptJson(tenantId, request.body, maxBytes);
  }

  @Get()
  @Access('evidence:read')
  @ApiOperation({ summary: 'The tenant’s advisories, most recently modified first' })
  async list(@Query() query: AdvisoryQueryDto): Promise<Page<AdvisorySummary>> {
    const limit = pageLimit(query);
    const cursor = decodeCursor(query.cursor, ['timestamp', 'uuid']);
    const after = cursor ? { modified: String(cursor[0]), id: String(cursor[1]) } : null;
    const rows = await this.advisories.list(RequestContext.tenantId, { q: query.q, kev: query.kev }, limit + 1, after);
    return toPage(rows, limit, (row) => [row.modified, row.id]);
  }

  @Get('imports/:id')
  @Access('evidence:read')
  @ApiOperation({
    summary: 'A submitted advisory document: its status, format, error and outcome (advisories imported, versions already held, records refused)',
  })
  async findImport(@Param('id') id: string): Promise<AdvisoryImport> {
    const found = UUID.test(id) ? await this.advisories.findImport(RequestContext.tenantId, id) : null;
    if (!found) throw new NotFoundProblem(`Advisory document ${id}`);
    return found;
  }

  @Get(':id')
  @Access('evidence:read')
  @ApiOperation({ summary: 'One advisory with the packages it names and the ranges they are affected in' })
  async find(@Param('id') id: string): Promise<Advisory> {
    const found = UUID.test(id) ? await this.advisories.find(RequestContext.tenantId, id) : null;
    if (!found) throw new NotFoundProblem(`Advisory ${id}`);
    return found;
  }
}
