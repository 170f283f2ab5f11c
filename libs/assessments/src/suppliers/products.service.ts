import { clock } from '@assay/shared/clock';
import { EndOfLifeStatedEventData, EndOfSupportNoticeEventData } from '@assay/shared/contracts';
import { TenantDatabase, newId } from '@assay/shared/database';
import { ProblemException } from '@assay/shared/http';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { audit, changedFields, emit } from '../assessments-writes';
import { TenantDirectoryRepository } from '../directory/tenant-directory.repository';
import { ProductRow, ProductsRepository } from './products.repository';
import { CreateProductDto, DeliveryModel, UpdateProductDto } from './suppliers.dto';
import { SuppliersRepository } from './suppliers.repository';

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

const DAY_MS = 86_400_000;
/** Code of Practice principle 4.2: at least a year's notice of the end of support. */
export const MIN_NOTICE_DAYS = 365;

/**
 * `product.end_of_support_notice` for a product whose end of support is set: the notice given (from
 * the announcement, or from now when none is recorded) and whether the date falls within the tenant's
 * horizon. Null when neither is worth a notice (a year's notice or more, beyond the horizon).
 */
export function endOfSupportNotice(product: ProductView, horizonDays: number, now: Date): EndOfSupportNoticeEventData | null {
  if (!product.endOfSupportAt) return null;
  const endAt = Date.parse(product.endOfSupportAt);
  const from = product.endOfSupportAnnouncedAt ? Date.parse(product.endOfSupportAnnouncedAt) : now.getTime();
  const noticeDays = Math.max(-36_600, Math.min(36_600, Math.floor((endAt - from) / DAY_MS)));
  const shortNotice = noticeDays < MIN_NOTICE_DAYS;
  const withinHorizon = endAt <= now.getTime() + horizonDays * DAY_MS;
  if (!shortNotice && !withinHorizon) return null;
  return {
    supplierId: product.supplierId,
    productId: product.id,
    endOfSupportAt: product.endOfSupportAt,
    endOfSupportAnnouncedAt: product.endOfSupportAnnouncedAt,
    noticeDays,
    shortNotice,
    withinHorizon,
  };
}

const dateOrNull = (value: string | null | undefined): Date | null => (value ? new Date(value) : null);

/** A supplier's products: delivery model, current version, end of support and when it was announced. */
@Injectable()
export class ProductsService {
  constructor(
    private readonly database: TenantDatabase,
    private readonly suppliers: SuppliersRepository,
    private readonly repository: ProductsRepository,
    private readonly directory: TenantDirectoryRepository,
  ) {}

  async create(tenantId: string, supplierId: string, input: CreateProductDto): Promise<ProductView> {
    const endAt = dateOrNull(input.endOfSupportAt);
    const announcedAt = dateOrNull(input.endOfSupportAnnouncedAt);
    checkEndOfSupport(endAt, announcedAt);
    const id = newId();
    return this.database.run(async (m) => {
      await this.suppliers.find(m, tenantId, supplierId);
      const product = productView(
        await this.repository.insert(m, tenantId, {
          id,
          supplier_id: supplierId,
          name: input.name.trim(),
          delivery_model: input.deliveryModel,
          current_version: input.currentVersion?.trim() ?? null,
          end_of_support_at: endAt,
          end_of_support_announced_at: announcedAt,
        }),
      );
      await audit(m, tenantId, {
        action: 'product.created',
        targetType: 'product',
        targetId: id,
        changes: { supplierId, name: product.name, deliveryModel: product.deliveryModel },
      });
      await emit(m, tenantId, 'product.created', product);
      if (product.endOfSupportAt) await this.noticeEndOfSupport(m, tenantId, product);
      return product;
    }, tenantId);
  }

  async list(tenantId: string, supplierId: string): Promise<ProductView[]> {
    return this.database.run(async (m) => {
      await this.suppliers.find(m, tenantId, supplierId);
      return (await this.repository.list(m, tenantId, supplierId)).map(productView);
    }, tenantId);
  }

  /** Current products of the given suppliers, oldest first (one query for a page of suppliers). */
  async listForSuppliers(tenantId: string, supplierIds: string[]): Promise<ProductView[]> {
    return (await this.database.read((m) => this.repository.listForSuppliers(m, tenantId, supplierIds), tenantId)).map(productView);
  }

  async update(tenantId: string, supplierId: string, id: string, input: UpdateProductDto): Promise<ProductView> {
    return this.database.run(async (m) => {
      const before = await this.repository.find(m, tenantId, supplierId, id);
      const endAt = input.endOfSupportAt === undefined ? before.end_of_support_at : dateOrNull(input.endOfSupportAt);
      const announcedAt = input.endOfSupportAnnouncedAt === undefined ? before.end_of_support_announced_at : dateOrNull(input.endOfSupportAnnouncedAt);
      checkEndOfSupport(endAt, announcedAt);
      const row = await this.repository.update(m, tenantId, supplierId, id, {
        name: input.name?.trim(),
        delivery_model: input.deliveryModel ?? undefined,
        ...(input.currentVersion !== undefined ? { current_version: input.currentVersion?.trim() ?? null } : {}),
        end_of_support_at: endAt,
        end_of_support_announced_at: announcedAt,
      });
      const after = productView(row);
      const changes = changedFields(productView(before) as unknown as Record<string, unknown>, after as unknown as Record<string, unknown>);
      delete changes['updatedAt'];
      if (Object.keys(changes).length) {
        await audit(m, tenantId, { action: 'product.updated', targetType: 'product', targetId: id, changes });
        await emit(m, tenantId, 'product.updated', after);
      }
      if (changes['endOfSupportAt'] || changes['endOfSupportAnnouncedAt']) await this.noticeEndOfSupport(m, tenantId, after);
      return after;
    }, tenantId);
  }

  /** Removes a product from the list; assessments of it keep naming it. */
  async remove(tenantId: string, supplierId: string, id: string): Promise<void> {
    await this.database.run(async (m) => {
      const product = await this.repository.find(m, tenantId, supplierId, id);
      await this.repository.remove(m, tenantId, id);
      await audit(m, tenantId, { action: 'product.removed', targetType: 'product', targetId: id, changes: { supplierId, name: product.name } });
      await emit(m, tenantId, 'product.removed', productView(product));
    }, tenantId);
  }

  /**
   * End-of-life evidence (OpenEoX) for a product sets its end of support: the stated end of security
   * support, announced when the statement was made (or not recorded when that is after the end).
   * Applied in one transaction with its audit entry, `product.updated` and the notice, once per
   * evidence: a redelivered statement changes nothing, and one made before a statement already
   * applied is recorded without changing the product. A removed or unknown product is left alone.
   */
  async applyEndOfLifeStatement(tenantId: string, statement: EndOfLifeStatedEventData): Promise<{ applied: boolean }> {
    return this.database.run(async (m) => {
      const before = await this.repository.findIncludingRemoved(m, tenantId, statement.productId);
      if (!before || before.removed_at || before.supplier_id !== statement.supplierId) return { applied: false };
      const endAt = new Date(statement.endOfSupportAt);
      const statedAt = dateOrNull(statement.statedAt);
      const recorded = await this.repository.recordEndOfLifeStatement(m, tenantId, {
        evidenceId: statement.evidenceId,
        productId: statement.productId,
        format: statement.format,
        endOfSupportAt: endAt,
        endOfLifeAt: dateOrNull(statement.endOfLifeAt),
        statedAt,
      });
      if (!recorded?.latest) return { applied: false };
      const announcedAt = statedAt && statedAt <= endAt ? statedAt : null;
      const row = await this.repository.update(m, tenantId, before.supplier_id, before.id, {
        end_of_support_at: endAt,
        end_of_support_announced_at: announcedAt,
      });
      const after = productView(row);
      const changes = changedFields(productView(before) as unknown as Record<string, unknown>, after as unknown as Record<string, unknown>);
      delete changes['updatedAt'];
      if (!changes['endOfSupportAt'] && !changes['endOfSupportAnnouncedAt']) return { applied: false };
      await audit(m, tenantId, {
        action: 'product.updated',
        targetType: 'product',
        targetId: before.id,
        changes: { ...changes, fromEvidenceId: statement.evidenceId },
      });
      await emit(m, tenantId, 'product.updated', after);
      await this.noticeEndOfSupport(m, tenantId, after);
      return { applied: true };
    }, tenantId);
  }

  /** Emits `product.end_of_support_notice` when the product's end of support gives short notice or falls within the tenant's horizon. */
  private async noticeEndOfSupport(m: EntityManager, tenantId: string, product: ProductView): Promise<void> {
    const settings = await this.directory.settings(m, tenantId);
    const notice = endOfSupportNotice(product, settings.endOfSupportHorizonDays, clock.now());
    if (notice) await emit(m, tenantId, 'product.end_of_support_notice', notice);
  }
}
