import { Access } from '@assay/shared/auth';
import { pageLimit } from '@assay/shared/http';
import { RequestContext } from '@assay/shared/tenancy-context';
import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ProductsService } from './products.service';
import { SupplierContactsService } from './supplier-contacts.service';
import {
  CreateContactDto,
  CreateProductDto,
  CreateSupplierDto,
  SupplierListQueryDto,
  UpdateContactDto,
  UpdateProductDto,
  UpdateSupplierDto,
} from './suppliers.dto';
import { SuppliersService } from './suppliers.service';

@ApiTags('Suppliers')
@Controller('api/v1/suppliers')
export class SuppliersController {
  constructor(
    private readonly suppliers: SuppliersService,
    private readonly contacts: SupplierContactsService,
    private readonly products: ProductsService,
  ) {}

  @Post()
  @Access('suppliers:write')
  @ApiOperation({ summary: 'Register a supplier' })
  create(@Body() body: CreateSupplierDto) {
    return this.suppliers.create(RequestContext.tenantIdentity, body);
  }

  @Get()
  @Access('suppliers:read')
  @ApiOperation({ summary: 'Suppliers, newest first, filtered by tier, status and text in the name' })
  list(@Query() query: SupplierListQueryDto) {
    return this.suppliers.list(RequestContext.tenantId, { tier: query.tier, status: query.status, q: query.q }, pageLimit(query), query.cursor);
  }

  @Get(':id')
  @Access('suppliers:read')
  get(@Param('id', ParseUUIDPipe) id: string) {
    return this.suppliers.get(RequestContext.tenantId, id);
  }

  @Patch(':id')
  @Access('suppliers:write')
  update(@Param('id', ParseUUIDPipe) id: string, @Body() body: UpdateSupplierDto) {
    return this.suppliers.update(RequestContext.tenantIdentity, id, body);
  }

  @Delete(':id')
  @Access('suppliers:write')
  @ApiOperation({ summary: 'Offboard a supplier: status `offboarded`, its history kept' })
  offboard(@Param('id', ParseUUIDPipe) id: string) {
    return this.suppliers.offboard(RequestContext.tenantIdentity, id);
  }

  @Post(':id/contacts')
  @Access('suppliers:write')
  addContact(@Param('id', ParseUUIDPipe) id: string, @Body() body: CreateContactDto) {
    return this.contacts.create(RequestContext.tenantId, id, body);
  }

  @Get(':id/contacts')
  @Access('suppliers:read')
  async listContacts(@Param('id', ParseUUIDPipe) id: string) {
    return { data: await this.contacts.list(RequestContext.tenantId, id) };
  }

  @Patch(':id/contacts/:contactId')
  @Access('suppliers:write')
  updateContact(@Param('id', ParseUUIDPipe) id: string, @Param('contactId', ParseUUIDPipe) contactId: string, @Body() body: UpdateContactDto) {
    return this.contacts.update(RequestContext.tenantId, id, contactId, body);
  }

  @Delete(':id/contacts/:contactId')
  @Access('suppliers:write')
  @HttpCode(204)
  async removeContact(@Param('id', ParseUUIDPipe) id: string, @Param('contactId', ParseUUIDPipe) contactId: string): Promise<void> {
    await this.contacts.remove(RequestContext.tenantId, id, contactId);
  }

  @Post(':id/products')
  @Access('suppliers:write')
  addProduct(@Param('id', ParseUUIDPipe) id: string, @Body() body: CreateProductDto) {
    return this.products.create(RequestContext.tenantId, id, body);
  }

  @Get(':id/products')
  @Access('suppliers:read')
  async listProducts(@Param('id', ParseUUIDPipe) id: string) {
    return { data: await this.products.list(RequestContext.tenantId, id) };
  }

  @Patch(':id/products/:productId')
  @Access('suppliers:write')
  updateProduct(@Param('id', ParseUUIDPipe) id: string, @Param('productId', ParseUUIDPipe) productId: string, @Body() body: UpdateProductDto) {
    return this.products.update(RequestContext.tenantId, id, productId, body);
  }

  @Delete(':id/products/:productId')
  @Access('suppliers:write')
  @HttpCode(204)
  async removeProduct(@Param('id', ParseUUIDPipe) id: string, @Param('productId', ParseUUIDPipe) productId: string): Promise<void> {
    await this.products.remove(RequestContext.tenantId, id, productId);
  }
}
