import { updateReturning } from '@assay/shared/database';
import { NotFoundProblem } from '@assay/shared/http';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { DeliveryModel } from './suppliers.dto';

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

export type NewProduct = Pick<
  ProductRow,
  'id' | 'supplier_id' | 'name' | 'delivery_model' | 'current_version' | 'end_of_support_at' | 'end_of_support_announced_at'
>;

/** The product's end-of-support dates, which its automated checks read. */
export type ProductSupport = Pick<ProductRow, 'end_of_support_at' | 'end_of_support_announced_at'>;

/** `name`, `delivery_model` and `current_version` left undefined keep their value; the end-of-support dates are always set. */
export type ProductChanges = Partial<Pick<ProductRow, 'name' | 'delivery_model' | 'current_version'>> &
  Pick<ProductRow, 'end_of_support_at' | 'end_of_support_announced_at'>;

/** The products of a tenant's suppliers (removed ones stay, hidden, for the assessments that name them). */
@Injectable()
export class ProductsRepository {
  async insert(m: EntityManager, tenantId: string, product: NewProduct): Promise<ProductRow> {
    const [row]: ProductRow[] = await m.query(
      `insert into assessments.products (tenant_id, id, supplier_id, name, delivery_model, current_version, end_of_support_at, end_of_support_announced_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8) returning *`,
      [
        tenantId,
        product.id,
        product.supplier_id,
        product.name,
        product.delivery_model,
        product.current_version,
        product.end_of_support_at,
        product.end_of_support_announced_at,
      ],
    );
    return row as ProductRow;
  }

  list(m: EntityManager, tenantId: string, supplierId: string): Promise<ProductRow[]> {
    return m.query(`select * from assessments.products where tenant_id = $1 and supplier_id = $2 and removed_at is null order by id`, [tenantId, supplierId]);
  }

  /** Current products of the given suppliers, oldest first. */
  listForSuppliers(m: EntityManager, tenantId: string, supplierIds: string[]): Promise<ProductRow[]> {
    return m.query(`select * from assessments.products where tenant_id = $1 and supplier_id = any($2::uuid[]) and removed_at is null order by id asc`, [
      tenantId,
      supplierIds,
    ]);
  }

  /** A current product of the supplier, or 404. */
  async find(m: EntityManager, tenantId: string, supplierId: string, id: string): Promise<ProductRow> {
    const [row]: ProductRow[] = await m.query(
      `select * from assessments.products where tenant_id = $1 and supplier_id = $2 and id = $3 and removed_at is null`,
      [tenantId, supplierId, id],
    );
    if (!row) throw new NotFoundProblem('Product');
    return row;
  }

  /** A product, removed or not (the assessments that name it still show it). */
  async findIncludingRemoved(m: EntityManager, tenantId: string, id: string): Promise<ProductRow | null> {
    const [row]: ProductRow[] = await m.query(`select * from assessments.products where tenant_id = $1 and id = $2`, [tenantId, id]);
    return row ?? null;
  }

  async update(m: EntityManager, tenantId: string, supplierId: string, id: string, changes: ProductChanges): Promise<ProductRow> {
    const [row] = await updateReturning<ProductRow>(
      m,
      `update assessments.products set name = coalesce($4, name), delivery_model = coalesce($5, delivery_model),
         current_version = case when $6::boolean then $7 else current_version end, end_of_support_at = $8, end_of_support_announced_at = $9, updated_at = app.now()
       where tenant_id = $1 and supplier_id = $2 and id = $3 returning *`,
      [
        tenantId,
        supplierId,
        id,
        changes.name ?? null,
        changes.delivery_model ?? null,
        changes.current_version !== undefined,
        changes.current_version ?? null,
        changes.end_of_support_at,
        changes.end_of_support_announced_at,
      ],
    );
    return row as ProductRow;
  }

  async remove(m: EntityManager, tenantId: string, id: string): Promise<void> {
    await m.query(`update assessments.products set removed_at = app.now(), updated_at = app.now() where tenant_id = $1 and id = $2`, [tenantId, id]);
  }

  /**
   * Records an end-of-life statement (one per evidence) and whether it is the product's latest: true
   * when it is new and no statement made later has been recorded. A redelivered statement records
   * nothing and answers null.
   */
  async recordEndOfLifeStatement(
    m: EntityManager,
    tenantId: string,
    statement: { evidenceId: string; productId: string; format: string; endOfSupportAt: Date; endOfLifeAt: Date | null; statedAt: Date | null },
  ): Promise<{ latest: boolean } | null> {
    const [later]: { n: number }[] = await m.query(
      `select count(*)::int as n from assessments.product_end_of_life_statements
        where tenant_id = $1 and product_id = $2 and applied and id <> $3 and stated_at > $4`,
      [tenantId, statement.productId, statement.evidenceId, statement.statedAt ?? new Date(0)],
    );
    const latest = (later?.n ?? 0) === 0;
    const inserted: { id: string }[] = await m.query(
      `insert into assessments.product_end_of_life_statements (tenant_id, id, product_id, format, end_of_support_at, end_of_life_at, stated_at, applied)
       values ($1, $2, $3, $4, $5, $6, $7, $8) on conflict (tenant_id, id) do nothing returning id`,
      [tenantId, statement.evidenceId, statement.productId, statement.format, statement.endOfSupportAt, statement.endOfLifeAt, statement.statedAt, latest],
    );
    return inserted.length > 0 ? { latest } : null;
  }
}
