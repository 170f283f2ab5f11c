import { GatewayInternal, PortalAccess } from '@assay/shared/auth';
import { ApiProblem, NotFoundProblem } from '@assay/shared/http';
import { RequestContext } from '@assay/shared/tenancy-context';
import { Body, Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiExcludeController, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CLAIM_ID } from '../assessments/assessments.dto';
import { ExtensionRequestsService } from '../assessments/extension-requests.service';
import { PortalTokensService } from './portal-tokens.service';
import { ClaimResponseDto, ExtensionRequestDto, SignOffRequestDto, SubmitAssessmentDto, VerifyPortalTokenDto } from './portal.dto';
import { PortalService } from './portal.service';

/** A principle id of the catalogue (`3.2`). */
const PRINCIPLE_ID = /^[0-9]{1,2}\.[0-9]{1,2}$/;

@ApiTags('Supplier portal')
@Controller('api/v1/portal/assessment')
@PortalAccess()
export class PortalController {
  constructor(
    private readonly portal: PortalService,
    private readonly extensions: ExtensionRequestsService,
  ) {}

  @Get()
  @ApiOperation({ summary: "The portal token's assessment: customer, supplier, due date, status, applicable claims with current answers" })
  view() {
    return this.portal.view(RequestContext.portalIdentity);
  }

  @Put('responses/:claimId')
  @ApiOperation({ summary: 'Answer one claim (justification required for not_applicable and not_met)' })
  answer(@Param('claimId') claimId: string, @Body() body: ClaimResponseDto) {
    if (!CLAIM_ID.test(claimId)) throw new NotFoundProblem(`Claim ${claimId.slice(0, 20)}`);
    return this.portal.answer(RequestContext.portalIdentity, claimId, body);
  }

  @Post('extension-requests')
  @ApiOperation({ summary: 'Ask the customer for more time (one pending request at a time)' })
  requestExtension(@Body() body: ExtensionRequestDto) {
    return this.extensions.request(RequestContext.portalIdentity, body);
  }

  @Post('principles/:principleId/confirm')
  @HttpCode(200)
  @ApiOperation({ summary: 'Confirm unchanged every answer carried forward from the previous assessment to the claims of one principle' })
  confirmPrinciple(@Param('principleId') principleId: string) {
    if (!PRINCIPLE_ID.test(principleId)) throw new NotFoundProblem(`Principle ${principleId.slice(0, 20)}`);
    return this.portal.confirmPrinciple(RequestContext.portalIdentity, principleId);
  }

  @Post('submit')
  @HttpCode(200)
  @ApiOperation({
    summary:
      "Submit every answer with the Senior Responsible Owner's attestation; when the supplier has an SRO contact only that contact's link may (403 `urn:assay:problem:sro-required` otherwise)",
  })
  @ApiProblem(403)
  submit(@Body() body: SubmitAssessmentDto) {
    return this.portal.submit(RequestContext.portalIdentity, body.attestation);
  }

  @Post('sign-off-request')
  @HttpCode(202)
  @ApiOperation({
    summary:
      "Ask the supplier's Senior Responsible Owner to review and sign (from another contact's link): they are emailed a portal link of their own. At most once an hour per contact and assessment (409 with `retryAt` otherwise)",
  })
  @ApiProblem(409)
  requestSignOff(@Body() body: SignOffRequestDto) {
    return this.portal.requestSignOff(RequestContext.portalIdentity, body.message?.trim() || null);
  }
}

/** The portal token check the gateway makes before it knows the tenant. Not routed from outside. */
@ApiExcludeController()
@Controller('internal/credentials')
@GatewayInternal()
export class PortalCredentialsController {
  constructor(private readonly tokens: PortalTokensService) {}

  @Post('portal-token')
  @HttpCode(200)
  async verifyPortalToken(@Body() body: VerifyPortalTokenDto) {
    return { portal: await this.tokens.verify(body.token) };
  }
}
