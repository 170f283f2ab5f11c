import { Access, PortalAccess } from '@assay/shared/auth';
import { ApiProblem, NotFoundProblem, ProblemException, Page, decodeCursor, pageLimit, toPage } from '@assay/shared/http';
import { RequestContext } from '@assay/shared/tenancy-context';
import { APP_CONFIG, AppConfig } from '@assay/shared/config';
import { Body, Controller, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post, Put, Query, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { isMultipart, readUpload } from '../intake/evidence-intake.controller';
import { EvidenceIntakeService } from '../intake/evidence-intake.service';
import { BLOB_STORAGE, BlobStorage } from '../storage/blob-storage';
import { CreateInquiriesDto, InquiryAnswerDto, InquiryQueryDto } from './inquiries.dto';
import type { Inquiry } from './inquiries.repository';
import { CreatedInquiries, InquiriesService, InquiryVexUpload, PortalInquiryView } from './inquiries.service';
import type { OpenVexDocument } from './openvex-export';

@ApiTags('Advisories')
@Controller('api/v1/advisories')
export class AdvisoryInquiriesController {
  constructor(private readonly inquiries: InquiriesService) {}

  @Post(':id/inquiries')
  @HttpCode(201)
  @Access('evidence:write')
  @ApiOperation({
    summary:
      'Ask the suppliers exposed to the advisory (by default every one with an exposure `affected` or `under_investigation`) by a due date: one inquiry per supplier, emailed to its contacts with a link to answer it',
  })
  @ApiProblem(404, 409, 422)
  create(@Param('id', ParseUUIDPipe) id: string, @Body() body: CreateInquiriesDto): Promise<CreatedInquiries> {
    return this.inquiries.create(RequestContext.tenantIdentity, id, body);
  }

  @Get(':id/vex')
  @Access('evidence:read')
  @ApiOperation({ summary: 'The suppliers’ answers about the advisory as one OpenVEX (v0.2.0) document; 409 while none has answered' })
  @ApiProblem(404, 409)
  vex(@Param('id', ParseUUIDPipe) id: string): Promise<OpenVexDocument> {
    return this.inquiries.openVex(RequestContext.tenantId, id);
  }
}

@ApiTags('Advisories')
@Controller('api/v1/inquiries')
export class InquiriesController {
  constructor(private readonly inquiries: InquiriesService) {}

  @Get()
  @Access('evidence:read')
  @ApiOperation({ summary: 'The tenant’s supplier inquiries, newest first, by advisory and status' })
  async list(@Query() query: InquiryQueryDto): Promise<Page<Inquiry>> {
    const limit = pageLimit(query);
    const cursor = decodeCursor(query.cursor, ['timestamp', 'uuid']);
    const after = cursor ? { createdAt: String(cursor[0]), id: String(cursor[1]) } : null;
    const rows = await this.inquiries.list(RequestContext.tenantId, { advisoryId: query.advisoryId, status: query.status }, limit + 1, after);
    return toPage(rows, limit, (row) => [row.createdAt, row.id]);
  }

  @Get(':id')
  @Access('evidence:read')
  @ApiOperation({ summary: 'One supplier inquiry with its status and the supplier’s answer' })
  async find(@Param('id', ParseUUIDPipe) id: string): Promise<Inquiry> {
    const found = await this.inquiries.find(RequestContext.tenantId, id);
    if (!found) throw new NotFoundProblem(`Inquiry ${id}`);
    return found;
  }
}

/** No fields travel beside the `file` part of a VEX upload. */
class InquiryVexFieldsDto {}

@ApiTags('Supplier portal')
@Controller('api/v1/portal/inquiry')
@PortalAccess('inquiry')
export class PortalInquiryController {
  constructor(
    private readonly inquiries: InquiriesService,
    private readonly intake: EvidenceIntakeService,
    @Inject(BLOB_STORAGE) private readonly storage: BlobStorage,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  @ApiProblem(404)
  @ApiOperation({ summary: "The inquiry link's inquiry: the advisory, the supplier's components it names, the due date and the answer given so far" })
  view(): Promise<PortalInquiryView> {
    return this.inquiries.forPortal(RequestContext.portalIdentity);
  }

  @Put()
  @ApiOperation({
    summary:
      'The supplier’s answer in OpenVEX terms (`not_affected` needs a justification, `affected` an action statement); it sets the status of their exposures to the advisory. A later answer replaces it',
  })
  answer(@Body() body: InquiryAnswerDto): Promise<PortalInquiryView> {
    return this.inquiries.answer(RequestContext.portalIdentity, body);
  }

  @Post('vex')
  @HttpCode(202)
  @ApiOperation({
    summary:
      'The supplier’s answer as a VEX document (OpenVEX JSON, or CycloneDX VEX in JSON or XML) in a multipart `file`: kept as the supplier’s VEX evidence and read by the worker. When its statements about the inquiry’s vulnerability cover every component of the supplier the advisory names and say one thing, the inquiry is answered from them (`status: "answered"`); otherwise it stays as it was and the upload says why (`status: "unanswered"` or `"rejected"`, with `problem`). `status: "processing"` until read: follow it at `GET /api/v1/portal/inquiry/vex/{evidenceId}`',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file'],
      additionalProperties: false,
      properties: { file: { type: 'string', format: 'binary', description: 'The VEX document (at most the evidence size limit)' } },
    },
  })
  @ApiProblem(404, 409, 413)
  async uploadVex(@Req() request: FastifyRequest): Promise<InquiryVexUpload> {
    const identity = RequestContext.portalIdentity;
    const scope = { inquiryId: identity.portal.inquiryId ?? '', contactId: identity.portal.contactId };
    // The link is checked before a byte is stored.
    await this.inquiries.forPortal(identity);
    if (!isMultipart(request))
      throw new ProblemException(400, 'Send the VEX document as a multipart upload, in the field "file"', { errors: [{ field: 'file', message: 'missing' }] });
    const maxBytes = this.config.evidence.maxBytes;
    const upload = await readUpload(this.storage, request, maxBytes, InquiryVexFieldsDto);
    const accepted = await this.intake.acceptInquiryVexUpload(identity.tenantId, scope, upload.staged, upload.filename, maxBytes);
    return this.inquiries.vexUpload(identity, accepted.id);
  }

  @Get('vex')
  @ApiOperation({ summary: 'The VEX documents uploaded through the inquiry link, newest first (at most 50), each with what came of it' })
  @ApiProblem(404)
  vexUploads(): Promise<{ data: InquiryVexUpload[] }> {
    return this.inquiries.vexUploads(RequestContext.portalIdentity);
  }

  @Get('vex/:evidenceId')
  @ApiOperation({ summary: 'One VEX uploaded through the inquiry link and what came of it: `processing` until the worker has read it' })
  @ApiProblem(404)
  vexUpload(@Param('evidenceId', ParseUUIDPipe) evidenceId: string): Promise<InquiryVexUpload> {
    return this.inquiries.vexUpload(RequestContext.portalIdentity, evidenceId);
  }
}
