import { Identity } from '@assay/shared/contracts';
import { TenantDatabase, newId, updateReturning } from '@assay/shared/database';
import { NotFoundProblem, ProblemException } from '@assay/shared/http';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { audit, changedFields } from '../assessments-writes';
import { CreateProductDto, DeliveryModel, UpdateProductDto } from './suppliers.dto';
import { SuppliersService } from './suppliers.service';

export interface ProductRow {
  tenant_id: string;
  id: string;
  supplier_id: string;
  name: string;
  delivery_model: DeliveryModel;
  current_version: string | null;
  end_of_support_at: Date | null;
  end_of_support_announced_at: Date | null;
  created_at: Date;
  updated_at: Date;
  removed_at: Date | null;
}

export interface ProductView {
  id: string;
  supplierId: string;
  name: string;
  deliveryModel: DeliveryModel;
  currentVersion: string | null;
  endOfSupportAt: string | null;
  endOfSupportAnnouncedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export const productView = (row: ProductRow): ProductView => ({
  id: row.id,
  supplierId: row.supplier_id,
  name: row.name,
  deliveryModel: row.delivery_model,
  currentVersion: row.current_version,
  endOfSupportAt: row.end_of_support_at?.toISOString() ?? null,
  endOfSupportAnnouncedAt: row.end_of_support_announced_at?.toISOString() ?? null,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

/** An announcement of end of support cannot come after the end itself. */
function checkEndOfSupport(endAt: Date | null, announcedAt: Date | null): void {
  if (endAt && announcedAt && announcedAt > endAt) {
    throw new ProblemException(400, 'endOfSupportAnnouncedAt must not be after endOfSupportAt', {
      errors: [{ field: 'endOfSupportAnnouncedAt', message: 'must not be after endOfSupportAt' }],
    });
  }
}

const dateOrNull = (value: string | null | undefined): Date | null => (value ? new Date(value) : null);

/** A supplier's products: delivery model, current version, end of support and when it was announced. */
@Injectable()
export class ProductsService {
  constructor(
    private readonly database: TenantDatabase,
    private readonly suppliers: SuppliersService,
  ) {}

  async create(identity: Identity, supplierId: string, input: CreateProductDto): Promise<ProductView> {
    const tenantId = identity.tenantId as string;
    const endAt = dateOrNull(input.endOfSupportAt);
    const announcedAt = dateOrNull(input.endOfSupportAnnouncedAt);
    checkEndOfSupport(endAt, announcedAt);
    const id = newId();
    return this.database.run(async (m) => {
      await this.suppliers.find(m, tenantId, supplierId);
      const [row]: ProductRow[] = await m.query(
        `insert into assessments.products (tenant_id, id, supplier_id, name, delivery_model, current_version, end_of_support_at, end_of_support_announced_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8) returning *`,
        [tenantId, id, supplierId, input.name.trim(), input.deliveryModel, input.currentVersion?.trim() ?? null, endAt, announcedAt],
      );
      const product = productView(row as ProductRow);
      await audit(m, tenantId, {
        action: 'product.created',
        targetType: 'product',
        targetId: id,
        changes: { supplierId, name: product.name, deliveryModel: product.deliveryModel },
      });
      return product;
    }, tenantId);
  }

  async list(tenantId: string, supplierId: string): Promise<ProductView[]> {
    return this.database.run(async (m) => {
      await this.suppliers.find(m, tenantId, supplierId);
      const rows: ProductRow[] = await m.query(
        `select * from assessments.products where tenant_id = $1 and supplier_id = $2 and removed_at is null order by id`,
        [tenantId, supplierId],
      );
      return rows.map(productView);
    }, tenantId);
  }

  async find(m: EntityManager, tenantId: string, supplierId: string, id: string): Promise<ProductRow> {
    const [row]: ProductRow[] = await m.query(
      `select * from assessments.products where tenant_id = $1 and supplier_id = $2 and id = $3 and removed_at is null`,
      [tenantId, supplierId, id],
    );
    if (!row) throw new NotFoundProblem('Product');
    return row;
  }

  async update(identity: Identity, supplierId: string, id: string, input: UpdateProductDto): Promise<ProductView> {
    const tenantId = identity.tenantId as string;
    return this.database.run(async (m) => {
      const before = await this.find(m, tenantId, supplierId, id);
      const endAt = input.endOfSupportAt === undefined ? before.end_of_support_at : dateOrNull(input.endOfSupportAt);
      const announcedAt = input.endOfSupportAnnouncedAt === undefined ? before.end_of_support_announced_at : dateOrNull(input.endOfSupportAnnouncedAt);
      checkEndOfSupport(endAt, announcedAt);
      const [row] = await updateReturning<ProductRow>(
        m,
        `update assessments.products set name = coalesce($4, name), delivery_model = coalesce($5, delivery_model),
           current_version = case when $6::boolean then $7 else current_version end, end_of_support_at = $8, end_of_support_announced_at = $9, updated_at = now()
         where tenant_id = $1 and supplier_id = $2 and id = $3 returning *`,
        [
          tenantId,
          supplierId,
          id,
          input.name?.trim() ?? null,
          input.deliveryModel ?? null,
          input.currentVersion !== undefined,
          input.currentVersion?.trim() ?? null,
          endAt,
          announcedAt,
        ],
      );
      const after = productView(row as ProductRow);
      const changes = changedFields(productView(before) as unknown as Record<string, unknown>, after as unknown as Record<string, unknown>);
      delete changes['updatedAt'];
      if (Object.keys(changes).length) await audit(m, tenantId, { action: 'product.updated', targetType: 'product', targetId: id, changes });
      return after;
    }, tenantId);
  }

  /** Removes a product from the list; assessments of it keep naming it. */
  async remove(identity: Identity, supplierId: string, id: string): Promise<void> {
    const tenantId = identity.tenantId as string;
    await this.database.run(async (m) => {
      const product = await this.find(m, tenantId, supplierId, id);
      await m.query(`update assessments.products set removed_at = now(), updated_at = now() where tenant_id = $1 and id = $2`, [tenantId, id]);
      await audit(m, tenantId, { action: 'product.removed', targetType: 'product', targetId: id, changes: { supplierId, name: product.name } });
    }, tenantId);
  }
}
