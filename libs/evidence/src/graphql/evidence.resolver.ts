import { Access } from '@assay/shared/auth';
import { isUuid } from '@assay/shared/database';
import { AfterArg, Connection, FirstArg, RequestBatch, groupBy, pageArgs, toConnection } from '@assay/shared/graphql';
import { NotFoundProblem, ProblemException, decodeCursor, encodeCursor, toPage } from '@assay/shared/http';
import { RequestContext } from '@assay/shared/tenancy-context';
import { Args, Context, ID, Mutation, Parent, Query, ResolveField, ResolveReference, Resolver } from '@nestjs/graphql';
import { AdvisoriesService } from '../advisories/advisories.service';
import { ComponentsService } from '../components/components.service';
import { EVIDENCE_KINDS, EVIDENCE_STATUSES, EvidenceKind, EvidenceStatus } from '../evidence/evidence-kinds.constant';
import type { EvidenceFilter } from '../evidence/evidence.repository';
import { EvidenceService } from '../evidence/evidence.service';
import { normalisePurl } from '../parsing/sbom-components';
import { ADVISORIES_PER_SUPPLIER, supplierAdvisoriesBatch } from './advisories.resolver';
import { Advisory } from './advisory.types';
import { Assessment, ComponentExposure, Evidence, EvidenceConnection, EvidenceFilterInput, Supplier, UpdateEvidenceInput } from './evidence.types';

const byId = (item: { id: string }) => encodeCursor([item.id]);

/** Evidence listed under one supplier or assessment: the newest this many. */
const PER_PARENT = 200;
const EXPOSURE_LIMIT = 500;

/** Loads the evidence of every supplier (or assessment) asked for in one request with one query, batched per tick. */
class ParentBatches {
  private readonly batch: RequestBatch<Evidence[]>;

  constructor(evidence: EvidenceService, parent: 'supplier' | 'assessment') {
    const parentOf = (row: Evidence) => (parent === 'supplier' ? row.supplierId : row.assessmentId) as string;
    this.batch = new RequestBatch(async (tenantId, ids) => groupBy(await evidence.forParents(tenantId, parent, ids, PER_PARENT), parentOf));
  }

  async of(request: object, id: string): Promise<Evidence[]> {
    if (!isUuid(id)) return [];
    return (await this.batch.get(request, id)) ?? [];
  }
}

@Access('evidence:read')
@Resolver(() => Evidence)
export class EvidenceResolver {
  constructor(
    private readonly evidence: EvidenceService,
    private readonly components: ComponentsService,
  ) {}

  @Query(() => Evidence, { name: 'evidence', nullable: true, description: 'One piece of evidence of the tenant (null when unknown)' })
  async evidenceItem(@Args('id', { type: () => ID }) id: string): Promise<Evidence | null> {
    if (!isUuid(id)) return null;
    return this.evidence.find(RequestContext.tenantId, id);
  }

  @Mutation(() => Evidence, { description: 'Change the validity or title of a piece of evidence (null clears a value)' })
  @Access('evidence:write')
  updateEvidence(@Args('id', { type: () => ID }) id: string, @Args('input') input: UpdateEvidenceInput): Promise<Evidence> {
    if (!isUuid(id)) throw new NotFoundProblem('Evidence');
    return this.evidence.update(RequestContext.tenantId, id, { validUntil: input.validUntil, title: input.title });
  }

  @Query(() => EvidenceConnection, { description: 'The tenant’s evidence, newest first' })
  async evidenceList(
    @FirstArg() first?: number | null,
    @AfterArg() after?: string | null,
    @Args('filter', { type: () => EvidenceFilterInput, nullable: true }) filter?: EvidenceFilterInput | null,
  ): Promise<Connection<Evidence>> {
    const page = pageArgs(first, after);
    const limit = page.limit;
    const cursor = decodeCursor(page.cursor, ['uuid']);
    const before = cursor ? String(cursor[0]) : null;
    const criteria: EvidenceFilter = {};
    if (filter?.supplierId) {
      if (!isUuid(filter.supplierId)) return toConnection({ data: [], nextCursor: null }, byId);
      criteria.supplierId = filter.supplierId;
    }
    if (filter?.kind) {
      if (!(EVIDENCE_KINDS as readonly string[]).includes(filter.kind)) return toConnection({ data: [], nextCursor: null }, byId);
      criteria.kind = filter.kind as EvidenceKind;
    }
    if (filter?.status) {
      if (!(EVIDENCE_STATUSES as readonly string[]).includes(filter.status)) return toConnection({ data: [], nextCursor: null }, byId);
      criteria.status = filter.status as EvidenceStatus;
    }
    const rows = await this.evidence.list(RequestContext.tenantId, criteria, limit + 1, before);
    return toConnection(
      toPage(rows, limit, (row) => [row.id]),
      byId,
    );
  }

  @Query(() => [ComponentExposure], {
    description: 'Which suppliers and products ship a component: a purl with a version matches exactly, without one every version',
  })
  async componentExposure(@Args('purl') purl: string): Promise<ComponentExposure[]> {
    const { purl: exact, purlBase } = normalisePurl(purl);
    if (!exact || !purlBase) throw new ProblemException(400, 'purl is not a valid package URL');
    const filter = exact === purlBase ? { purlBase } : { purl: exact };
    return this.components.exposure(RequestContext.tenantId, filter, EXPOSURE_LIMIT);
  }

  /** `Evidence.supplier`: a reference the gateway resolves in the assessments subgraph. */
  @ResolveField(() => Supplier)
  supplier(@Parent() evidence: Evidence): Supplier {
    return { id: evidence.supplierId };
  }

  /** `Evidence.assessment`: a reference resolved in the assessments subgraph. */
  @ResolveField(() => Assessment, { nullable: true })
  assessment(@Parent() evidence: Evidence): Assessment | null {
    return evidence.assessmentId ? { id: evidence.assessmentId } : null;
  }
}

@Access('evidence:read')
@Resolver(() => ComponentExposure)
export class ComponentExposureResolver {
  @ResolveField(() => Supplier)
  supplier(@Parent() exposure: ComponentExposure): Supplier {
    return { id: exposure.supplierId };
  }
}

/** `Supplier.evidence`: the supplier's evidence, newest first. */
@Access('evidence:read')
@Resolver(() => Supplier)
export class SupplierEvidenceResolver {
  private readonly batches: ParentBatches;
  private readonly advisoryBatch: RequestBatch<Omit<Advisory, 'exposure'>[]>;

  constructor(evidence: EvidenceService, advisories: AdvisoriesService) {
    this.batches = new ParentBatches(evidence, 'supplier');
    this.advisoryBatch = supplierAdvisoriesBatch(advisories);
  }

  @ResolveReference()
  resolveReference(reference: { __typename: string; id: string }): Supplier {
    return { id: reference.id };
  }

  @ResolveField(() => [Evidence], { description: 'Evidence submitted for this supplier, newest first' })
  evidence(@Parent() supplier: Supplier, @Context('req') request: object): Promise<Evidence[]> {
    return this.batches.of(request, supplier.id);
  }

  @ResolveField(() => [Advisory], {
    description: `Advisories naming a component of this supplier's SBOMs, most recently modified first (at most ${ADVISORIES_PER_SUPPLIER})`,
  })
  async advisories(@Parent() supplier: Supplier, @Context('req') request: object): Promise<Omit<Advisory, 'exposure'>[]> {
    if (!isUuid(supplier.id)) return [];
    return (await this.advisoryBatch.get(request, supplier.id)) ?? [];
  }
}

/** `Assessment.evidence`: evidence submitted for the assessment, newest first. */
@Access('evidence:read')
@Resolver(() => Assessment)
export class AssessmentEvidenceResolver {
  private readonly batches: ParentBatches;

  constructor(evidence: EvidenceService) {
    this.batches = new ParentBatches(evidence, 'assessment');
  }

  @ResolveReference()
  resolveReference(reference: { __typename: string; id: string }): Assessment {
    return { id: reference.id };
  }

  @ResolveField(() => [Evidence], { description: 'Evidence submitted for this assessment, newest first' })
  evidence(@Parent() assessment: Assessment, @Context('req') request: object): Promise<Evidence[]> {
    return this.batches.of(request, assessment.id);
  }
}
