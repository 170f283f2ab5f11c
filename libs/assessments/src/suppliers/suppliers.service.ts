import { Identity, SupplierEventData } from '@assay/shared/contracts';
import { TenantDatabase, newId, updateReturning } from '@assay/shared/database';
import { NotFoundProblem, Page, ProblemException, decodeCursor, toPage } from '@assay/shared/http';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { audit, changedFields, emit } from '../assessments-writes';
import type { SupplierRole } from '../catalogue/catalogue-document';
import { TenantDirectory } from '../directory/tenant-directory';
import { CreateSupplierDto, SupplierStatus, SupplierTier, UpdateSupplierDto } from './suppliers.dto';

export interface SupplierRow {
  tenant_id: string;
  id: string;
  name: string;
  tier: SupplierTier;
  role: SupplierRole;
  website: string | null;
  domains: string[];
  company_number: string | null;
  tags: string[];
  owner_user_id: string | null;
  status: SupplierStatus;
  next_assessment_due_at: Date | null;
  /** The overall score of the latest completed assessment (numeric: read as a string). */
  latest_score: string | null;
  open_findings: number;
  offboarded_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

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

const COLUMNS: Record<keyof Omit<UpdateSupplierDto, 'status'>, string> = {
  name: 'name',
  tier: 'tier',
  role: 'role',
  website: 'website',
  domains: 'domains',
  companyNumber: 'company_number',
  tags: 'tags',
  ownerUserId: 'owner_user_id',
};

/** Suppliers: the registry of a tenant's software suppliers. Offboarding keeps their history. */
@Injectable()
export class SuppliersService {
  constructor(
    private readonly database: TenantDatabase,
    private readonly directory: TenantDirectory,
  ) {}

  /** A supplier's internal owner is a member of the organisation: the caller themself, or a member tenancy has told of. */
  private async requireOwnerMember(m: EntityManager, identity: Identity, userId: string | null | undefined): Promise<void> {
    if (!userId || (identity.kind === 'user' && identity.principalId === userId)) return;
    if (await this.directory.isMember(m, identity.tenantId as string, userId)) return;
    throw new ProblemException(400, 'The request has invalid fields', { errors: [{ field: 'ownerUserId', message: 'must be a member of the organisation' }] });
  }

  async create(identity: Identity, input: CreateSupplierDto): Promise<SupplierView> {
    const tenantId = identity.tenantId as string;
    const id = newId();
    return this.database.run(async (m) => {
      await this.requireOwnerMember(m, identity, input.ownerUserId);
      const [row]: SupplierRow[] = await m.query(
        `insert into assessments.suppliers (tenant_id, id, name, tier, role, website, domains, company_number, tags, owner_user_id)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning *`,
        [
          tenantId,
          id,
          input.name.trim(),
          input.tier,
          input.role,
          input.website ?? null,
          uniqueSorted(input.domains, true),
          input.companyNumber ?? null,
          uniqueSorted(input.tags),
          input.ownerUserId ?? null,
        ],
      );
      const supplier = row as SupplierRow;
      await audit(m, tenantId, {
        action: 'supplier.created',
        targetType: 'supplier',
        targetId: id,
        changes: { name: supplier.name, tier: supplier.tier, role: supplier.role },
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
    const after = decodeCursor(cursor, ['uuid']);
    const rows: SupplierRow[] = await this.database.run(
      (m) =>
        m.query(
          `select * from assessments.suppliers
           where tenant_id = $1 and ($2::text is null or tier = $2) and ($3::text is null or status = $3) and ($4::text is null or name ilike $4)
             and ($5::uuid is null or id < $5::uuid)
           order by id desc limit $6`,
          [tenantId, filter.tier ?? null, filter.status ?? null, filter.q ? likePattern(filter.q.trim()) : null, after?.[0] ?? null, limit + 1],
        ),
      tenantId,
    );
    const page = toPage(rows, limit, (row) => [row.id]);
    return { data: page.data.map(supplierView), nextCursor: page.nextCursor };
  }

  async get(tenantId: string, id: string): Promise<SupplierView> {
    return supplierView(await this.database.run((m) => this.find(m, tenantId, id), tenantId));
  }

  /** The supplier row, or 404 (also for another tenant's id: RLS and the explicit filter both hide it). */
  async find(m: EntityManager, tenantId: string, id: string, lock = false): Promise<SupplierRow> {
    const [row]: SupplierRow[] = await m.query(`select * from assessments.suppliers where tenant_id = $1 and id = $2${lock ? ' for update' : ''}`, [
      tenantId,
      id,
    ]);
    if (!row) throw new NotFoundProblem('Supplier');
    return row;
  }

  async update(identity: Identity, id: string, input: UpdateSupplierDto): Promise<SupplierView> {
    const tenantId = identity.tenantId as string;
    return this.database.run(async (m) => {
      const before = await this.find(m, tenantId, id, true);
      if (input.ownerUserId !== before.owner_user_id) await this.requireOwnerMember(m, identity, input.ownerUserId);
      const sets: string[] = [];
      const params: unknown[] = [tenantId, id];
      for (const [field, column] of Object.entries(COLUMNS) as [keyof typeof COLUMNS, string][]) {
        const value = input[field];
        if (value === undefined) continue;
        const normalised =
          field === 'domains'
            ? uniqueSorted(value as string[] | null, true)
            : field === 'tags'
              ? uniqueSorted(value as string[] | null)
              : typeof value === 'string'
                ? value.trim()
                : value;
        params.push(normalised);
        sets.push(`"${column}" = $${params.length}`);
      }
      const offboarding = input.status === 'offboarded' && before.status !== 'offboarded';
      const reactivating = input.status === 'active' && before.status === 'offboarded';
      if (offboarding) sets.push(`status = 'offboarded', offboarded_at = now()`);
      if (reactivating) sets.push(`status = 'active', offboarded_at = null`);
      if (sets.length === 0) return supplierView(before);
      const [after] = await updateReturning<SupplierRow>(
        m,
        `update assessments.suppliers set ${sets.join(', ')}, updated_at = now() where tenant_id = $1 and id = $2 returning *`,
        params,
      );
      const supplier = after as SupplierRow;
      const changes = changedFields(supplierView(before) as unknown as Record<string, unknown>, supplierView(supplier) as unknown as Record<string, unknown>);
      delete changes['updatedAt'];
      if (Object.keys(changes).length === 0) return supplierView(supplier);
      await audit(m, tenantId, { action: offboarding ? 'supplier.offboarded' : 'supplier.updated', targetType: 'supplier', targetId: id, changes });
      await emit(m, tenantId, offboarding ? 'supplier.offboarded' : 'supplier.updated', eventData(supplier));
      return supplierView(supplier);
    }, tenantId);
  }

  /** Offboards a supplier: it stays, with its contacts, products and assessments, as `offboarded`. */
  offboard(identity: Identity, id: string): Promise<SupplierView> {
    return this.update(identity, id, { status: 'offboarded' });
  }
}
