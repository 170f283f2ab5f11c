import { Access } from '@assay/shared/auth';
import { isUuid } from '@assay/shared/database';
import { AfterArg, Connection, FirstArg, RequestBatch, pageArgs, toConnection } from '@assay/shared/graphql';
import { decodeCursor, encodeCursor, toPage } from '@assay/shared/http';
import { RequestContext } from '@assay/shared/tenancy-context';
import { Args, Context, ID, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { Exposure } from '../advisories/advisory-exposures.repository';
import { AdvisoriesService } from '../advisories/advisories.service';
import { Advisory, AdvisoryConnection, AdvisoryExposure, AdvisoryFilterInput } from './advisory.types';
import { Supplier } from './evidence.types';

/** Advisories listed under one supplier: the most recently modified this many. */
export const ADVISORIES_PER_SUPPLIER = 200;

const byModified = (item: { modified: string; id: string }) => encodeCursor([item.modified, item.id]);

/** The tenant's advisories and their exposure, read as the REST routes read them (`evidence:read`). */
@Access('evidence:read')
@Resolver(() => Advisory)
export class AdvisoriesResolver {
  private readonly exposureBatch: RequestBatch<Exposure[]>;

  constructor(private readonly service: AdvisoriesService) {
    this.exposureBatch = new RequestBatch<Exposure[]>((tenantId, ids) => this.service.exposureOf(tenantId, ids));
  }

  @Query(() => AdvisoryConnection, { description: 'The tenant’s advisories, most recently modified first' })
  async advisories(
    @FirstArg() first?: number | null,
    @AfterArg() after?: string | null,
    @Args('filter', { type: () => AdvisoryFilterInput, nullable: true }) filter?: AdvisoryFilterInput | null,
  ): Promise<Connection<Omit<Advisory, 'exposure'>>> {
    const page = pageArgs(first, after);
    const cursor = decodeCursor(page.cursor, ['timestamp', 'uuid']);
    const from = cursor ? { modified: String(cursor[0]), id: String(cursor[1]) } : null;
    const tenantId = RequestContext.tenantId;
    const criteria = { q: filter?.q ?? undefined, kev: filter?.kev ?? undefined };
    const summaries = await this.service.list(tenantId, criteria, page.limit + 1, from);
    const full = new Map(
      (
        await this.service.findMany(
          tenantId,
          summaries.map((item) => item.id),
        )
      ).map((item) => [item.id, item]),
    );
    const rows = summaries.flatMap((item) => full.get(item.id) ?? []);
    return toConnection(
      toPage(rows, page.limit, (row) => [row.modified, row.id]),
      byModified,
    );
  }

  @Query(() => Advisory, { nullable: true, description: 'One advisory of the tenant (null when unknown)' })
  async advisory(@Args('id', { type: () => ID }) id: string): Promise<Omit<Advisory, 'exposure'> | null> {
    if (!isUuid(id)) return null;
    return (await this.service.findMany(RequestContext.tenantId, [id]))[0] ?? null;
  }

  @ResolveField(() => [AdvisoryExposure], { description: 'Every stored component it names (at most 1,000), by supplier name' })
  async exposure(@Parent() advisory: Advisory, @Context('req') request: object): Promise<Exposure[]> {
    return (await this.exposureBatch.get(request, advisory.id)) ?? [];
  }
}

@Access('evidence:read')
@Resolver(() => AdvisoryExposure)
export class AdvisoryExposureResolver {
  /** `AdvisoryExposure.supplier`: a reference resolved in the assessments subgraph. */
  @ResolveField(() => Supplier)
  supplier(@Parent() exposure: AdvisoryExposure): Supplier {
    return { id: exposure.supplierId };
  }
}

/** `Supplier.advisories`: a batch per request, read through the supplier's exposures. */
export function supplierAdvisoriesBatch(advisories: AdvisoriesService): RequestBatch<Omit<Advisory, 'exposure'>[]> {
  return new RequestBatch((tenantId, supplierIds) => advisories.ofSuppliers(tenantId, supplierIds.filter(isUuid), ADVISORIES_PER_SUPPLIER));
}
