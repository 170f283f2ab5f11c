import { CYCLONEDX_MEDIA_TYPE } from './assessment-declaration';
import { Access, REPORT_JWS_MEDIA_TYPE } from '@assay/shared/auth';
import { ApiProblem, pageLimit } from '@assay/shared/http';
import { RequestContext } from '@assay/shared/tenancy-context';
import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { PortalLinksService } from '../portal/portal-links.service';
import { reportCsv } from './assessment-report';
import { AssessmentReportService } from './assessment-report.service';
import { AssessmentReviewService } from './assessment-review.service';
import {
  AssessmentDetailQueryDto,
  AssessmentListQueryDto,
  CompleteAssessmentDto,
  ReturnAssessmentDto,
  ReviewAssessmentDto,
  CreateAssessmentDto,
  ExtensionDecisionDto,
  MoveDueDateDto,
  PortalLinkDto,
  ReportQueryDto,
  SendAssessmentDto,
} from './assessments.dto';
import { AssessmentsService } from './assessments.service';
import { ExtensionRequestsService } from './extension-requests.service';

@ApiTags('Assessments')
@Controller('api/v1/assessments')
export class AssessmentsController {
  constructor(
    private readonly assessments: AssessmentsService,
    private readonly reviews: AssessmentReviewService,
    private readonly reports: AssessmentReportService,
    private readonly portalLinks: PortalLinksService,
    private readonly extensions: ExtensionRequestsService,
  ) {}

  @Post()
  @Access('assessments:write')
  @ApiOperation({ summary: 'Create a draft assessment of a supplier with the claims that apply to its role' })
  create(@Body() body: CreateAssessmentDto) {
    return this.assessments.create(RequestContext.tenantIdentity, body);
  }

  @Get()
  @Access('assessments:read')
  list(@Query() query: AssessmentListQueryDto) {
    const overdue = query.overdue === undefined ? undefined : query.overdue === 'true';
    return this.assessments.list(RequestContext.tenantId, { supplierId: query.supplierId, status: query.status, overdue }, pageLimit(query), query.cursor);
  }

  @Get(':id')
  @Access('assessments:read')
  @ApiOperation({ summary: 'One assessment with its claims; changedOnly=true keeps the claims whose answer changed since the previous assessment' })
  get(@Param('id', ParseUUIDPipe) id: string, @Query() query: AssessmentDetailQueryDto) {
    return this.assessments.get(RequestContext.tenantId, id, { changedOnly: query.changedOnly === 'true' });
  }

  @Patch(':id')
  @Access('assessments:write')
  @ApiOperation({ summary: 'Move the due date of an open assessment; reminders re-plan, portal links stay valid until 30 days after it' })
  moveDueDate(@Param('id', ParseUUIDPipe) id: string, @Body() body: MoveDueDateDto) {
    return this.assessments.moveDueDate(RequestContext.tenantIdentity, id, body);
  }

  @Get(':id/extension-requests')
  @Access('assessments:read')
  @ApiOperation({ summary: "The supplier's requests for more time, newest first" })
  async listExtensionRequests(@Param('id', ParseUUIDPipe) id: string) {
    return { data: await this.extensions.list(RequestContext.tenantId, id) };
  }

  @Post(':id/extension-requests/:requestId/decision')
  @Access('assessments:write')
  @HttpCode(200)
  @ApiOperation({ summary: 'Approve (the due date moves to the requested date) or reject a pending extension request' })
  decideExtension(@Param('id', ParseUUIDPipe) id: string, @Param('requestId', ParseUUIDPipe) requestId: string, @Body() body: ExtensionDecisionDto) {
    return this.extensions.decide(RequestContext.tenantIdentity, id, requestId, body);
  }

  @Get(':id/report')
  @Access('assessments:read')
  @ApiOperation({
    summary:
      "The assurance pack: supplier, product, framework, every claim with answer, evidence, checks and verdict, findings, attestations, score (JSON or CSV); `format=jws` gives a completed assessment's pack as a compact JWS signed with a key published at /.well-known/jwks.json; `format=cdxa` an attested assessment as a CycloneDX 1.6 declaration (claims, evidence hashes, the SRO's affirmation)",
  })
  // A signed pack is only given for a completed assessment.
  @ApiProblem(409)
  @ApiOkResponse({
    description: 'The pack as JSON; `format=csv` as CSV; `format=jws` as a compact JWS; `format=cdxa` as a CycloneDX declaration',
    content: {
      'text/csv': { schema: { type: 'string' } },
      [REPORT_JWS_MEDIA_TYPE]: { schema: { type: 'string' } },
      [CYCLONEDX_MEDIA_TYPE.split(';')[0] as string]: { schema: { type: 'object', description: 'A CycloneDX 1.6 document with declarations' } },
    },
  })
  async report(@Param('id', ParseUUIDPipe) id: string, @Query() query: ReportQueryDto, @Res({ passthrough: true }) reply: FastifyReply) {
    if (query.format === 'jws') {
      const signed = await this.reports.signedReport(RequestContext.tenantId, id);
      reply.header('content-type', REPORT_JWS_MEDIA_TYPE).header('x-content-type-options', 'nosniff');
      return signed;
    }
    if (query.format === 'cdxa') {
      const declaration = await this.reports.declaration(RequestContext.tenantId, id);
      reply.header('content-type', CYCLONEDX_MEDIA_TYPE).header('x-content-type-options', 'nosniff');
      // Sent as the document's text: its own media type, not the pack's JSON schema.
      return JSON.stringify(declaration);
    }
    const report = await this.reports.report(RequestContext.tenantId, id);
    if (query.format !== 'csv') return report;
    reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="assessment-${report.assessment.id}.csv"`)
      .header('x-content-type-options', 'nosniff');
    return reportCsv(report);
  }

  @Post(':id/send')
  @Access('assessments:write')
  @HttpCode(200)
  @ApiOperation({ summary: "Send a draft to the supplier's contacts, each with their own portal link" })
  send(@Param('id', ParseUUIDPipe) id: string, @Body() body: SendAssessmentDto) {
    return this.assessments.send(RequestContext.tenantIdentity, id, body.contactIds);
  }

  @Post(':id/cancel')
  @Access('assessments:write')
  @HttpCode(200)
  cancel(@Param('id', ParseUUIDPipe) id: string) {
    return this.assessments.cancel(RequestContext.tenantIdentity, id);
  }

  @Post(':id/review')
  @Access('assessments:write')
  @HttpCode(200)
  @ApiOperation({ summary: 'Verdicts per claim (accepted, or returned with a comment); a submitted assessment goes in_review' })
  review(@Param('id', ParseUUIDPipe) id: string, @Body() body: ReviewAssessmentDto) {
    return this.reviews.review(RequestContext.tenantIdentity, id, body.decisions);
  }

  @Post(':id/return')
  @Access('assessments:write')
  @HttpCode(200)
  @ApiOperation({ summary: 'Return to the supplier, who may change answers and submit again' })
  returnToSupplier(@Param('id', ParseUUIDPipe) id: string, @Body() body: ReturnAssessmentDto) {
    return this.reviews.returnToSupplier(RequestContext.tenantIdentity, id, body.message, body.dueAt);
  }

  @Post(':id/complete')
  @Access('assessments:write')
  @HttpCode(200)
  @ApiOperation({ summary: "Complete: the score is final and the supplier's next assessment falls due after the tenant's cadence" })
  complete(@Param('id', ParseUUIDPipe) id: string, @Body() body: CompleteAssessmentDto) {
    return this.reviews.complete(RequestContext.tenantIdentity, id, body.conclusion);
  }

  @Post(':id/portal-links')
  @Access('assessments:write')
  @ApiOperation({ summary: 'A portal link for one contact, to share by hand; the token is in this response only' })
  createPortalLink(@Param('id', ParseUUIDPipe) id: string, @Body() body: PortalLinkDto) {
    return this.portalLinks.create(RequestContext.tenantIdentity, id, body.contactId);
  }

  @Get(':id/portal-links')
  @Access('assessments:read')
  async listPortalLinks(@Param('id', ParseUUIDPipe) id: string) {
    return { data: await this.portalLinks.list(RequestContext.tenantId, id) };
  }

  @Delete(':id/portal-links/:linkId')
  @Access('assessments:write')
  @HttpCode(204)
  async revokePortalLink(@Param('id', ParseUUIDPipe) id: string, @Param('linkId', ParseUUIDPipe) linkId: string): Promise<void> {
    await this.portalLinks.revoke(RequestContext.tenantIdentity, id, linkId);
  }
}
