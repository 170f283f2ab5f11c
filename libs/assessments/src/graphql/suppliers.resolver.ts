import { Access } from '@assay/shared/auth';
import { AfterArg, FirstArg, RequestBatch, groupBy, pageArgs, toConnection } from '@assay/shared/graphql';
import { RequestContext } from '@assay/shared/tenancy-context';
import { Args, Context, ID, Mutation, Parent, Query, ResolveField, ResolveReference, Resolver } from '@nestjs/graphql';
import type { AssessmentSummary } from '../assessments/assessment-views';
import { AssessmentsService } from '../assessments/assessments.service';
import { ProductView, ProductsService } from '../suppliers/products.service';
import { ContactView, SupplierContactsService } from '../suppliers/supplier-contacts.service';
import { SupplierView, SuppliersService } from '../suppliers/suppliers.service';
import {
  AddProductInput,
  AddSupplierContactInput,
  Assessment,
  Contact,
  CreateSupplierInput,
  Product,
  Supplier,
  SupplierConnection,
  SupplierFilter,
  UpdateSupplierInput,
} from './assessments.types';
import { byId, orNull, ownId } from './graphql-args';

/** Suppliers over GraphQL: the REST services and access rules; children of a page load in one query per field. */
@Access('suppliers:read')
@Resolver(() => Supplier)
export class SuppliersResolver {
  private readonly productBatch: RequestBatch<ProductView[]>;
  private readonly contactBatch: RequestBatch<ContactView[]>;
  private readonly assessmentBatch: RequestBatch<AssessmentSummary[]>;

  constructor(
    private readonly supplierService: SuppliersService,
    private readonly contactService: SupplierContactsService,
    private readonly productService: ProductsService,
    private readonly assessmentService: AssessmentsService,
  ) {
    const bySupplier = <V extends { supplierId: string }>(load: (tenantId: string, supplierIds: string[]) => Promise<V[]>) =>
      new RequestBatch<V[]>(async (tenantId, supplierIds) => groupBy(await load(tenantId, supplierIds), (item) => item.supplierId));
    this.productBatch = bySupplier((tenantId, ids) => this.productService.listForSuppliers(tenantId, ids));
    this.contactBatch = bySupplier((tenantId, ids) => this.contactService.listForSuppliers(tenantId, ids));
    this.assessmentBatch = bySupplier((tenantId, ids) => this.assessmentService.listForSuppliers(tenantId, ids));
  }

  @Query(() => SupplierConnection, { description: 'Suppliers, newest first, filtered by tier, status and text in the name' })
  async suppliers(
    @FirstArg() first?: number | null,
    @AfterArg() after?: string | null,
    @Args('filter', { type: () => SupplierFilter, nullable: true }) filter?: SupplierFilter,
  ) {
    const { limit, cursor } = pageArgs(first, after);
    const page = await this.supplierService.list(
      RequestContext.tenantId,
      { tier: filter?.tier ?? undefined, status: filter?.status ?? undefined, q: filter?.q ?? undefined },
      limit,
      cursor,
    );
    return toConnection(page, byId);
  }

  @Query(() => Supplier, { nullable: true })
  supplier(@Args('id', { type: () => ID }) id: string): Promise<SupplierView | null> {
    return orNull(() => this.supplierService.get(RequestContext.tenantId, ownId(id, 'Supplier')));
  }

  @ResolveReference()
  resolveReference(reference: { __typename: string; id: string }): Promise<SupplierView | null> {
    return orNull(() => this.supplierService.get(RequestContext.tenantId, ownId(reference.id, 'Supplier')));
  }

  @ResolveField(() => [Product], { description: 'Current products, oldest first' })
  async products(@Parent() supplier: Supplier, @Context('req') request: object): Promise<ProductView[]> {
    return (await this.productBatch.get(request, supplier.id)) ?? [];
  }

  @ResolveField(() => [Contact], { description: 'Current contacts, oldest first' })
  async contacts(@Parent() supplier: Supplier, @Context('req') request: object): Promise<ContactView[]> {
    return (await this.contactBatch.get(request, supplier.id)) ?? [];
  }

  @ResolveField(() => [Assessment], { description: 'Assessments of the supplier, newest first' })
  @Access('assessments:read')
  async assessments(@Parent() supplier: Supplier, @Context('req') request: object): Promise<AssessmentSummary[]> {
    return (await this.assessmentBatch.get(request, supplier.id)) ?? [];
  }

  @Mutation(() => Supplier)
  @Access('suppliers:write')
  createSupplier(@Args('input') input: CreateSupplierInput): Promise<SupplierView> {
    return this.supplierService.create(RequestContext.tenantIdentity, input);
  }

  @Mutation(() => Supplier)
  @Access('suppliers:write')
  updateSupplier(@Args('id', { type: () => ID }) id: string, @Args('input') input: UpdateSupplierInput): Promise<SupplierView> {
    return this.supplierService.update(RequestContext.tenantIdentity, ownId(id, 'Supplier'), input);
  }

  @Mutation(() => Contact)
  @Access('suppliers:write')
  addSupplierContact(@Args('supplierId', { type: () => ID }) supplierId: string, @Args('input') input: AddSupplierContactInput): Promise<ContactView> {
    return this.contactService.create(RequestContext.tenantId, ownId(supplierId, 'Supplier'), input);
  }

  @Mutation(() => Product)
  @Access('suppliers:write')
  addProduct(@Args('supplierId', { type: () => ID }) supplierId: string, @Args('input') input: AddProductInput): Promise<ProductView> {
    return this.productService.create(RequestContext.tenantId, ownId(supplierId, 'Supplier'), input);
  }
}
