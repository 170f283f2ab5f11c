import { Access } from '@assay/shared/auth';
import { isUuid } from '@assay/shared/database';
import { AfterArg, Connection, FirstArg, pageArgs, toConnection } from '@assay/shared/graphql';
import { NotFoundProblem, decodeCursor, encodeCursor, toPage } from '@assay/shared/http';
import { RequestContext } from '@assay/shared/tenancy-context';
import { Args, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { Inquiry as InquiryView } from '../inquiries/inquiries.repository';
import { InquiriesService } from '../inquiries/inquiries.service';
import { Supplier } from './evidence.types';
import { CreateInquiriesInput, CreatedInquiries, Inquiry, InquiryConnection, InquiryFilterInput } from './inquiry.types';

const byCreated = (item: { createdAt: string; id: string }) => encodeCursor([item.createdAt, item.id]);

/** Supplier inquiries, as the REST routes read and create them. */
@Resolver(() => Inquiry)
export class InquiriesResolver {
  constructor(private readonly service: InquiriesService) {}

  @Query(() => InquiryConnection, { description: 'The tenant’s supplier inquiries, newest first' })
  @Access('evidence:read')
  async inquiries(
    @FirstArg() first?: number | null,
    @AfterArg() after?: string | null,
    @Args('filter', { type: () => InquiryFilterInput, nullable: true }) filter?: InquiryFilterInput | null,
  ): Promise<Connection<InquiryView>> {
    const page = pageArgs(first, after);
    const cursor = decodeCursor(page.cursor, ['timestamp', 'uuid']);
    const from = cursor ? { createdAt: String(cursor[0]), id: String(cursor[1]) } : null;
    const criteria = { advisoryId: filter?.advisoryId ?? undefined, status: filter?.status ?? undefined };
    const rows = await this.service.list(RequestContext.tenantId, criteria, page.limit + 1, from);
    return toConnection(
      toPage(rows, page.limit, (row) => [row.createdAt, row.id]),
      byCreated,
    );
  }

  @Mutation(() => CreatedInquiries, {
    description: 'Ask the suppliers exposed to an advisory by a due date: one inquiry each, emailed to its contacts with a link to answer it',
  })
  @Access('evidence:write')
  async createInquiries(
    @Args('advisoryId', { type: () => ID }) advisoryId: string,
    @Args('input') input: CreateInquiriesInput,
  ): Promise<{ inquiries: InquiryView[]; alreadyAskedSupplierIds: string[] }> {
    if (!isUuid(advisoryId)) throw new NotFoundProblem(`Advisory ${advisoryId}`);
    const created = await this.service.create(RequestContext.tenantIdentity, advisoryId, input);
    return { inquiries: created.data, alreadyAskedSupplierIds: created.alreadyAskedSupplierIds };
  }

  /** `Inquiry.supplier`: a reference resolved in the assessments subgraph. */
  @ResolveField(() => Supplier)
  @Access('evidence:read')
  supplier(@Parent() inquiry: Inquiry): Supplier {
    return { id: inquiry.supplierId };
  }
}
