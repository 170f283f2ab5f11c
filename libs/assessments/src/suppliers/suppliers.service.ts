import { clock } from '@assay/shared/clock';
import { SupplierEventData, TenantIdentity } from '@assay/shared/contracts';
import { TenantDatabase, newId } from '@assay/shared/database';
import { Page, ProblemException, decodeCursor, toPage } from '@assay/shared/http';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { audit, changedFields, emit } from '../assessments-writes';
import type { SupplierRole } from '../catalogue/catalogue-document';
import { TenantDirectoryRepository } from '../directory/tenant-directory.repository';
import { CreateSupplierDto, SupplierStatus, SupplierTier, UpdateSupplierDto } from './suppliers.dto';
import { SupplierChanges, SupplierRow, SuppliersRepository } from './suppliers.repository';

export interface SupplierView {
  id: string;
  name: string;
  tier: SupplierTier;
  role: SupplierRole;
  website: string | null;
  domains: string[];
  companyNumber: string | null;
  tags: string[];
  ownerUserId: string | null;
  status: SupplierStatus;
  nextAssessmentDueAt: string | null;
  /** The overall score (percentage) of the latest completed assessment. */
  latestScore: number | null;
  openFindings: number;
  offboardedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export function supplierView(row: SupplierRow): SupplierView {
  return {
    id: row.id,
    name: row.name,
    tier: row.tier,
    role: row.role,
    website: row.website,
    domains: row.domains,
    companyNumber: row.company_number,
    tags: row.tags,
    ownerUserId: row.owner_user_id,
    status: row.status,
    nextAssessmentDueAt: row.next_assessment_due_at?.toISOString() ?? null,
    latestScore: row.latest_score === null ? null : Number(row.latest_score),
    openFindings: row.open_findings,
    offboardedAt: row.offboarded_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** The event payload of `supplier.*`: the supplier as the API shows it. */
const eventData = (row: SupplierRow): SupplierEventData => ({ supplierId: row.id, ...supplierView(row) });

const uniqueSorted = (values: string[] | null | undefined, lower = false) =>
  [...new Set((values ?? []).map((v) => (lower ? v.toLowerCase() : v).trim()))].sort();

/** Escapes `%`, `_` and `\` so user text matches literally inside an ILIKE pattern. */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

const COLUMNS: Record<keyof Omit<UpdateSupplierDto, 'status'>, keyof SupplierChanges['columns']> = {
  name: 'name',
  tier: 'tier',
  role: 'role',
  website: 'website',
  domains: 'domains',
  companyNumber: 'company_number',
  tags: 'tags',
  ownerUserId: 'owner_user_id',
  nextAssessmentDueAt: 'next_assessment_due_at',
};

const MAX_NEXT_DUE_MS = 2 * 366 * 86_400_000;

/** A next due date is in the future and at most two years ahead (null clears it). */
function checkNextDue(value: string | null | undefined): void {
  if (value === undefined || value === null) return;
  const at = Date.parse(value);
  const now = clock.nowMs();
  if (!(at > now && at <= now + MAX_NEXT_DUE_MS)) {
    throw new ProblemException(400, 'nextAssessmentDueAt must be a future date at most two years ahead', {
      errors: [{ field: 'nextAssessmentDueAt', message: 'out of range' }],
    });
  }
}

/** Suppliers: the registry of a tenant's software suppliers. Offboarding keeps their history. */
@Injectable()
export class SuppliersService {
  constructor(
    private readonly database: TenantDatabase,
    private readonly repository: SuppliersRepository,
    private readonly directory: TenantDirectoryRepository,
  ) {}

  /** A supplier's internal owner is a member of the organisation: the caller themself, or a member tenancy has told of. */
  private async requireOwnerMember(m: EntityManager, identity: TenantIdentity, userId: string | null | undefined): Promise<void> {
    if (!userId || (identity.kind === 'user' && identity.principalId === userId)) return;
    if (await this.directory.isMember(m, identity.tenantId, userId)) return;
    throw new ProblemException(400, 'The request has invalid fields', { errors: [{ field: 'ownerUserId', message: 'must be a member of the organisation' }] });
  }

  async create(identity: TenantIdentity, input: CreateSupplierDto): Promise<SupplierView> {
    const tenantId = identity.tenantId;
    const id = newId();
    checkNextDue(input.nextAssessmentDueAt);
    return this.database.run(async (m) => {
      await this.requireOwnerMember(m, identity, input.ownerUserId);
      const inserted = await this.repository.insert(m, tenantId, {
        id,
        name: input.name.trim(),
        tier: input.tier,
        role: input.role,
        website: input.website ?? null,
        domains: uniqueSorted(input.domains, true),
        company_number: input.companyNumber ?? null,
        tags: uniqueSorted(input.tags),
        owner_user_id: input.ownerUserId ?? null,
      });
      const supplier = input.nextAssessmentDueAt
        ? await this.repository.update(m, tenantId, id, { columns: { next_assessment_due_at: input.nextAssessmentDueAt } })
        : inserted;
      await audit(m, tenantId, {
        action: 'supplier.created',
        targetType: 'supplier',
        targetId: id,
        changes: {
          name: supplier.name,
          tier: supplier.tier,
          role: supplier.role,
          ...(supplier.next_assessment_due_at ? { nextAssessmentDueAt: supplier.next_assessment_due_at.toISOString() } : {}),
        },
      });
      await emit(m, tenantId, 'supplier.created', eventData(supplier));
      return supplierView(supplier);
    }, tenantId);
  }

  async list(
    tenantId: string,
    filter: { tier?: SupplierTier; status?: SupplierStatus; q?: string },
    limit: number,
    cursor?: string,
  ): Promise<Page<SupplierView>> {
    const after = decodeCursor(cursor, ['uuid'])?.[0];
    const rows = await this.database.read(
      (m) =>
        this.repository.list(
          m,
          tenantId,
          { tier: filter.tier ?? null, status: filter.status ?? null, namePattern: filter.q ? likePattern(filter.q.trim()) : null },
          after === undefined ? null : String(after),
          limit,
        ),
      tenantId,
    );
    const page = toPage(rows, limit, (row) => [row.id]);
    return { data: page.data.map(supplierView), nextCursor: page.nextCursor };
  }

  async get(tenantId: string, id: string): Promise<SupplierView> {
    return supplierView(await this.database.read((m) => this.repository.find(m, tenantId, id), tenantId));
  }

  async update(identity: TenantIdentity, id: string, input: UpdateSupplierDto): Promise<SupplierView> {
    const tenantId = identity.tenantId;
    checkNextDue(input.nextAssessmentDueAt);
    return this.database.run(async (m) => {
      const before = await this.repository.find(m, tenantId, id, true);
      if (input.ownerUserId !== before.owner_user_id) await this.requireOwnerMember(m, identity, input.ownerUserId);
      const changes: SupplierChanges = { columns: {} };
      for (const [field, column] of Object.entries(COLUMNS) as [keyof typeof COLUMNS, keyof SupplierChanges['columns']][]) {
        const value = input[field];
        if (value === undefined) continue;
        changes.columns[column] =
          field === 'domains'
            ? uniqueSorted(value as string[] | null, true)
            : field === 'tags'
              ? uniqueSorted(value as string[] | null)
              : typeof value === 'string'
                ? value.trim()
                : value;
      }
      const offboarding = input.status === 'offboarded' && before.status !== 'offboarded';
      const reactivating = input.status === 'active' && before.status === 'offboarded';
      if (offboarding) changes.status = 'offboarded';
      if (reactivating) changes.status = 'active';
      if (Object.keys(changes.columns).length === 0 && !changes.status) return supplierView(before);
      const supplier = await this.repository.update(m, tenantId, id, changes);
      const changed = changedFields(supplierView(before) as unknown as Record<string, unknown>, supplierView(supplier) as unknown as Record<string, unknown>);
      delete changed['updatedAt'];
      if (Object.keys(changed).length === 0) return supplierView(supplier);
      await audit(m, tenantId, { action: offboarding ? 'supplier.offboarded' : 'supplier.updated', targetType: 'supplier', targetId: id, changes: changed });
      await emit(m, tenantId, offboarding ? 'supplier.offboarded' : 'supplier.updated', eventData(supplier));
      return supplierView(supplier);
    }, tenantId);
  }

  /** Offboards a supplier: it stays, with its contacts, products and assessments, as `offboarded`. */
  offboard(identity: TenantIdentity, id: string): Promise<SupplierView> {
    return this.update(identity, id, { status: 'offboarded' });
  }
}
