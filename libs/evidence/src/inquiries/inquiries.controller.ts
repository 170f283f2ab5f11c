import { Access, PortalAccess } from '@assay/shared/auth';
import { ApiProblem, NotFoundProblem, Page, decodeCursor, pageLimit, toPage } from '@assay/shared/http';
import { RequestContext } from '@assay/shared/tenancy-context';
import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CreateInquiriesDto, InquiryAnswerDto, InquiryQueryDto } from './inquiries.dto';
import type { Inquiry } from './inquiries.repository';
import { CreatedInquiries, InquiriesService, PortalInquiryView } from './inquiries.service';
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

@ApiTags('Supplier portal')
@Controller('api/v1/portal/inquiry')
@PortalAccess('inquiry')
export class PortalInquiryController {
  constructor(private readonly inquiries: InquiriesService) {}

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
}
