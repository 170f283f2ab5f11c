import { Access } from '@assay/shared/auth';
import { isUuid } from '@assay/shared/database';
import { AfterArg, FirstArg, RequestBatch, groupBy, pageArgs, toConnection } from '@assay/shared/graphql';
import { RequestContext } from '@assay/shared/tenancy-context';
import { Args, Context, ID, Int, Mutation, Parent, Query, ResolveField, ResolveReference, Resolver } from '@nestjs/graphql';
import { AssessmentReviewService } from '../assessments/assessment-review.service';
import type { AssessmentScore as Score } from '../assessments/assessment-score';
import type { AssessmentClaimView, AssessmentDetail, AssessmentSummary, AttestationView } from '../assessments/assessment-views';
import { AssessmentsService } from '../assessments/assessments.service';
import { ExtensionRequestView, ExtensionRequestsService } from '../assessments/extension-requests.service';
import type { Disagreement as DisagreementView } from '../checks/check-results';
import type { FindingView } from '../findings/finding-view';
import { FindingsService } from '../findings/findings.service';
import { SupplierView, SuppliersService } from '../suppliers/suppliers.service';
import {
  Assessment,
  AssessmentClaim,
  AssessmentConnection,
  AssessmentFilter,
  AssessmentScore,
  Attestation,
  CompleteAssessmentInput,
  CreateAssessmentInput,
  CreateFindingInput,
  Disagreement,
  ExtensionDecisionInput,
  ExtensionRequest,
  MoveAssessmentDueDateInput,
  Finding,
  ReturnAssessmentInput,
  ReviewAssessmentInput,
  SendAssessmentInput,
  Supplier,
  UpdateFindingInput,
} from './assessments.types';
import { byId, orNull, ownId } from './graphql-args';

/**
 * Assessments over GraphQL with the REST services and access rules. A list shows summaries; the
 * claims, score, checks and findings of an assessment load once per request when asked for.
 */
@Access('assessments:read')
@Resolver(() => Assessment)
export class AssessmentsResolver {
  private readonly details = new WeakMap<object, Map<string, Promise<AssessmentDetail>>>();

  /** Findings of every assessment a request lists, in one query. */
  private readonly findingBatch: RequestBatch<FindingView[]>;

  constructor(
    private readonly assessments: AssessmentsService,
    private readonly reviews: AssessmentReviewService,
    private readonly findingService: FindingsService,
    private readonly suppliers: SuppliersService,
    private readonly extensions: ExtensionRequestsService,
  ) {
    this.findingBatch = new RequestBatch<FindingView[]>(async (tenantId, assessmentIds) =>
      groupBy(await this.findingService.ofAssessments(tenantId, assessmentIds), (finding) => finding.assessmentId),
    );
  }

  @Query(() => Assessment, { nullable: true })
  assessment(@Args('id', { type: () => ID }) id: string): Promise<AssessmentDetail | null> {
    return orNull(() => this.assessments.get(RequestContext.tenantId, ownId(id, 'Assessment')));
  }

  @Query(() => AssessmentConnection, { name: 'assessments', description: 'Assessments, newest first' })
  async assessmentPage(
    @FirstArg() first?: number | null,
    @AfterArg() after?: string | null,
    @Args('filter', { type: () => AssessmentFilter, nullable: true }) filter?: AssessmentFilter,
  ) {
    const supplierId = filter?.supplierId ?? undefined;
    if (supplierId !== undefined && !isUuid(supplierId)) return toConnection({ data: [], nextCursor: null }, byId);
    const { limit, cursor } = pageArgs(first, after);
    const page = await this.assessments.list(
      RequestContext.tenantId,
      { supplierId, status: filter?.status ?? undefined, overdue: filter?.overdue ?? undefined },
      limit,
      cursor,
    );
    return toConnection(page, byId);
  }

  @ResolveReference()
  resolveReference(reference: { __typename: string; id: string }): Promise<AssessmentDetail | null> {
    return orNull(() => this.assessments.get(RequestContext.tenantId, ownId(reference.id, 'Assessment')));
  }

  @ResolveField(() => Supplier, { nullable: true })
  @Access('suppliers:read')
  supplier(@Parent() assessment: AssessmentSummary): Promise<SupplierView | null> {
    return orNull(() => this.suppliers.get(RequestContext.tenantId, assessment.supplierId));
  }

  @ResolveField(() => [AssessmentClaim], { description: 'Applicable claims in catalogue order with answers, verdicts and automated checks' })
  async claims(
    @Parent() assessment: AssessmentSummary,
    @Context('req') request: object,
    @Args('changedOnly', { type: () => Boolean, nullable: true, description: 'Only the claims whose answer changed since the previous assessment' })
    changedOnly?: boolean | null,
  ): Promise<AssessmentClaimView[]> {
    const claims = (await this.detail(request, assessment)).claims;
    return changedOnly ? claims.filter((claim) => claim.changedSincePrevious === true) : claims;
  }

  @ResolveField(() => Int)
  async answeredCount(@Parent() assessment: AssessmentSummary, @Context('req') request: object): Promise<number> {
    return (await this.detail(request, assessment)).answeredCount;
  }

  @ResolveField(() => AssessmentScore, { description: 'Live while open; final once completed' })
  async score(@Parent() assessment: AssessmentSummary, @Context('req') request: object): Promise<Score> {
    return (await this.detail(request, assessment)).score;
  }

  @ResolveField(() => [Disagreement])
  async disagreements(@Parent() assessment: AssessmentSummary, @Context('req') request: object): Promise<DisagreementView[]> {
    return (await this.detail(request, assessment)).disagreements;
  }

  @ResolveField(() => [Finding])
  async findings(@Parent() assessment: AssessmentSummary, @Context('req') request: object): Promise<FindingView[]> {
    return (await this.findingBatch.get(request, assessment.id)) ?? [];
  }

  @ResolveField(() => Attestation, { nullable: true, description: 'The latest attestation' })
  async attestation(@Parent() assessment: AssessmentSummary, @Context('req') request: object): Promise<AttestationView | null> {
    return (await this.detail(request, assessment)).attestation;
  }

  @ResolveField(() => String, { nullable: true })
  async returnMessage(@Parent() assessment: AssessmentSummary, @Context('req') request: object): Promise<string | null> {
    return (await this.detail(request, assessment)).returnMessage;
  }

  @ResolveField(() => String, { nullable: true })
  async conclusion(@Parent() assessment: AssessmentSummary, @Context('req') request: object): Promise<string | null> {
    return (await this.detail(request, assessment)).conclusion;
  }

  @ResolveField(() => [ExtensionRequest], { description: "The supplier's requests for more time, newest first" })
  extensionRequests(@Parent() assessment: AssessmentSummary): Promise<ExtensionRequestView[]> {
    return this.extensions.list(RequestContext.tenantId, assessment.id);
  }

  @Mutation(() => Assessment, { description: 'Move the due date of an open assessment (reminders re-plan; portal links stay valid until 30 days past it)' })
  @Access('assessments:write')
  moveAssessmentDueDate(@Args('id', { type: () => ID }) id: string, @Args('input') input: MoveAssessmentDueDateInput): Promise<AssessmentDetail> {
    return this.assessments.moveDueDate(RequestContext.tenantIdentity, ownId(id, 'Assessment'), input);
  }

  @Mutation(() => ExtensionRequest, { description: 'Approve (the due date moves to the requested date) or reject a pending extension request' })
  @Access('assessments:write')
  decideExtensionRequest(
    @Args('assessmentId', { type: () => ID }) assessmentId: string,
    @Args('requestId', { type: () => ID }) requestId: string,
    @Args('input') input: ExtensionDecisionInput,
  ): Promise<ExtensionRequestView> {
    return this.extensions.decide(RequestContext.tenantIdentity, ownId(assessmentId, 'Assessment'), ownId(requestId, 'Extension request'), input);
  }

  @Mutation(() => Assessment)
  @Access('assessments:write')
  createAssessment(@Args('input') input: CreateAssessmentInput): Promise<AssessmentDetail> {
    return this.assessments.create(RequestContext.tenantIdentity, input);
  }

  @Mutation(() => Assessment, { description: "Send a draft to the supplier's contacts, each with their own portal link" })
  @Access('assessments:write')
  sendAssessment(
    @Args('id', { type: () => ID }) id: string,
    @Args('input', { type: () => SendAssessmentInput, nullable: true }) input?: SendAssessmentInput,
  ): Promise<AssessmentDetail> {
    return this.assessments.send(RequestContext.tenantIdentity, ownId(id, 'Assessment'), input?.contactIds);
  }

  @Mutation(() => Assessment)
  @Access('assessments:write')
  reviewAssessment(@Args('id', { type: () => ID }) id: string, @Args('input') input: ReviewAssessmentInput): Promise<AssessmentDetail> {
    return this.reviews.review(RequestContext.tenantIdentity, ownId(id, 'Assessment'), input.decisions);
  }

  @Mutation(() => Assessment)
  @Access('assessments:write')
  returnAssessment(@Args('id', { type: () => ID }) id: string, @Args('input') input: ReturnAssessmentInput): Promise<AssessmentDetail> {
    return this.reviews.returnToSupplier(RequestContext.tenantIdentity, ownId(id, 'Assessment'), input.message, input.dueAt ?? undefined);
  }

  @Mutation(() => Assessment)
  @Access('assessments:write')
  completeAssessment(
    @Args('id', { type: () => ID }) id: string,
    @Args('input', { type: () => CompleteAssessmentInput, nullable: true }) input?: CompleteAssessmentInput,
  ): Promise<AssessmentDetail> {
    return this.reviews.complete(RequestContext.tenantIdentity, ownId(id, 'Assessment'), input?.conclusion);
  }

  @Mutation(() => Finding)
  @Access('assessments:write')
  createFinding(@Args('assessmentId', { type: () => ID }) assessmentId: string, @Args('input') input: CreateFindingInput): Promise<FindingView> {
    return this.findingService.create(RequestContext.tenantIdentity, ownId(assessmentId, 'Assessment'), input);
  }

  @Mutation(() => Finding)
  @Access('assessments:write')
  updateFinding(@Args('id', { type: () => ID }) id: string, @Args('input') input: UpdateFindingInput): Promise<FindingView> {
    return this.findingService.update(RequestContext.tenantIdentity, ownId(id, 'Finding'), input.status, input.riskAcceptedUntil);
  }

  /** The full assessment behind a summary, loaded at most once per request. */
  private detail(request: object, assessment: AssessmentSummary | AssessmentDetail): Promise<AssessmentDetail> {
    if ('claims' in assessment) return Promise.resolve(assessment);
    let cache = this.details.get(request);
    if (!cache) {
      cache = new Map();
      this.details.set(request, cache);
    }
    let detail = cache.get(assessment.id);
    if (!detail) {
      detail = this.assessments.get(RequestContext.tenantId, assessment.id);
      cache.set(assessment.id, detail);
    }
    return detail;
  }
}
