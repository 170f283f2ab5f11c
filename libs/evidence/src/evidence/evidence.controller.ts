import { Access, PortalAccess } from '@assay/shared/auth';
import { NotFoundProblem, Page, decodeCursor, pageLimit, toPage } from '@assay/shared/http';
import { RequestContext } from '@assay/shared/tenancy-context';
import { Body, Controller, Get, Inject, Param, Patch, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Readable } from 'node:stream';
import type { ComponentAdvisory } from '../advisories/advisory-exposures.repository';
import type { ComponentExposure } from '../components/components.repository';
import { ComponentsService } from '../components/components.service';
import { normalisePurl } from '../parsing/sbom-components';
import { BLOB_STORAGE, BlobNotFoundError, BlobStorage } from '../storage/blob-storage';
import { ComponentsQueryDto, EvidenceQueryDto, PortalEvidenceQueryDto, UpdateEvidenceDto } from './evidence.dto';
import type { Evidence } from './evidence.repository';
import { EvidenceService } from './evidence.service';
import { ProblemException } from '@assay/shared/http';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@ApiTags('Evidence')
@Controller('api/v1/evidence')
export class EvidenceController {
  constructor(
    private readonly evidence: EvidenceService,
    @Inject(BLOB_STORAGE) private readonly storage: BlobStorage,
  ) {}

  @Get()
  @Access('evidence:read')
  @ApiOperation({ summary: 'The tenant’s evidence, newest first' })
  async list(@Query() query: EvidenceQueryDto): Promise<Page<Evidence>> {
    const limit = pageLimit(query);
    const cursor = decodeCursor(query.cursor, ['uuid']);
    const before = cursor ? String(cursor[0]) : null;
    const rows = await this.evidence.list(RequestContext.tenantId, query, limit + 1, before);
    return toPage(rows, limit, (row) => [row.id]);
  }

  @Get(':id')
  @Access('evidence:read')
  async get(@Param('id') id: string): Promise<Evidence> {
    return this.load(id);
  }

  @Patch(':id')
  @Access('evidence:write')
  @ApiOperation({ summary: 'Change the validity or title of a piece of evidence (`null` clears a value)' })
  async update(@Param('id') id: string, @Body() body: UpdateEvidenceDto): Promise<Evidence> {
    if (!UUID.test(id)) throw new NotFoundProblem(`Evidence ${id}`);
    return this.evidence.update(RequestContext.tenantId, id, { validUntil: body.validUntil, title: body.title });
  }

  @Get(':id/content')
  @Access('evidence:read')
  @ApiOperation({ summary: 'The evidence bytes, as a download' })
  @ApiOkResponse({ description: 'The bytes, with the media type detected at intake', content: { '*/*': { schema: { type: 'string', format: 'binary' } } } })
  async content(@Param('id') id: string, @Res() reply: FastifyReply): Promise<void> {
    const tenantId = RequestContext.tenantId;
    const evidence = await this.load(id);
    const key = evidence.sha256 ? await this.evidence.contentKey(tenantId, evidence.sha256) : null;
    if (!key) throw new NotFoundProblem(`Content of evidence ${id}`);
    let stream: Readable;
    try {
      stream = await this.storage.open(key);
    } catch (error) {
      if (error instanceof BlobNotFoundError) throw new NotFoundProblem(`Content of evidence ${id}`);
      throw error;
    }
    const filename = (evidence.filename ?? `${evidence.id}`).replace(/[^\w.-]+/g, '_');
    await reply
      .header('content-type', evidence.mediaType ?? 'application/octet-stream')
      .header('content-disposition', `attachment; filename="${filename}"`)
      .header('x-content-type-options', 'nosniff')
      .header('content-length', String(evidence.size ?? ''))
      .send(stream);
  }

  private async load(id: string): Promise<Evidence> {
    if (!UUID.test(id)) throw new NotFoundProblem(`Evidence ${id}`);
    const evidence = await this.evidence.find(RequestContext.tenantId, id);
    if (!evidence) throw new NotFoundProblem(`Evidence ${id}`);
    return evidence;
  }
}

/** The most evidence one portal answer lists (an assessment holds far fewer in practice). */
const PORTAL_EVIDENCE_LIMIT = 500;

@ApiTags('Supplier portal')
@Controller('api/v1/portal/assessment/evidence')
@PortalAccess()
export class PortalEvidenceReadController {
  constructor(private readonly evidence: EvidenceService) {}

  @Get()
  @ApiOperation({
    summary: "The evidence of the portal token's assessment, with its status and check results (plus earlier evidence of the same supplier named in `ids`)",
  })
  async list(@Query() query: PortalEvidenceQueryDto): Promise<{ data: Evidence[] }> {
    const tenantId = RequestContext.tenantId;
    const assessmentId = RequestContext.identity.portal?.assessmentId;
    if (!assessmentId) throw new ProblemException(403, 'This route needs a supplier portal token');
    return { data: await this.evidence.forPortal(tenantId, assessmentId, query.ids ?? [], PORTAL_EVIDENCE_LIMIT) };
  }
}

@ApiTags('Evidence')
@Controller('api/v1/components')
export class ComponentsController {
  constructor(private readonly components: ComponentsService) {}

  @Get()
  @Access('evidence:read')
  @ApiOperation({ summary: 'Which suppliers and products ship a component: `purl` (with or without version) or `name` and optional `version`' })
  async exposure(@Query() query: ComponentsQueryDto): Promise<{ data: (ComponentExposure & { advisories: ComponentAdvisory[] })[] }> {
    let filter: { purl?: string; purlBase?: string; name?: string; version?: string };
    if (query.purl) {
      const { purl, purlBase } = normalisePurl(query.purl);
      if (!purl || !purlBase)
        throw new ProblemException(400, 'purl is not a valid package URL', { errors: [{ field: 'purl', message: 'invalid package URL' }] });
      filter = purl === purlBase ? { purlBase } : { purl };
    } else if (query.name) {
      filter = { name: query.name, version: query.version };
    } else {
      throw new ProblemException(400, 'Give purl, or name (and optionally version)', { errors: [{ field: 'purl', message: 'purl or name required' }] });
    }
    const data = await this.components.exposure(RequestContext.tenantId, filter, 500);
    return { data };
  }
}
