import { claimForProcessing, mapColumns, updateReturning } from '@assay/shared/database';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { EvidenceCheck, EvidenceKind, EvidenceStatus } from './evidence-kinds.constant';

export interface Evidence {
  id: string;
  supplierId: string;
  productId: string | null;
  assessmentId: string | null;
  claimIds: string[];
  kind: EvidenceKind | null;
  status: EvidenceStatus;
  source: 'upload' | 'url';
  url: string | null;
  filename: string | null;
  sha256: string | null;
  size: number | null;
  mediaType: string | null;
  facts: Record<string, unknown>;
  checks: EvidenceCheck[];
  /** When it stops being valid: the earlier of what its content says and what its submitter declared. */
  validUntil: string | null;
  /** From when it is valid, as its submitter declared. */
  validFrom: string | null;
  title: string | null;
  /** The evidence this one replaced, and the evidence that replaced this one. */
  supersedes: string | null;
  supersededBy: string | null;
  error: string | null;
  createdAt: string;
  processedAt: string | null;
}

/** What the worker needs to process one piece of evidence. */
export interface EvidenceForIngestion extends Evidence {
  kindHint: EvidenceKind | null;
  attempts: number;
}

interface EvidenceRow {
  id: string;
  supplier_id: string;
  product_id: string | null;
  assessment_id: string | null;
  claim_ids: string[];
  kind: EvidenceKind | null;
  kind_hint: EvidenceKind | null;
  status: EvidenceStatus;
  source: 'upload' | 'url';
  url: string | null;
  filename: string | null;
  sha256: string | null;
  size: string | null;
  media_type: string | null;
  facts: Record<string, unknown>;
  checks: EvidenceCheck[];
  valid_until: Date | null;
  valid_from: Date | null;
  title: string | null;
  supersedes: string | null;
  superseded_by: string | null;
  error: string | null;
  attempts: number;
  created_at: Date;
  processed_at: Date | null;
}

const COLUMNS = `id, supplier_id, product_id, assessment_id, claim_ids, kind, kind_hint, status, source, url, filename, sha256, size, media_type, facts, checks,
  valid_until, valid_from, title, supersedes, superseded_by, error, attempts, created_at, processed_at`;

/** The same columns of the row aliased `e`. */
const E_COLUMNS = COLUMNS.split(',')
  .map((column) => `e.${column.trim()}`)
  .join(', ');

function toEvidence(row: EvidenceRow): EvidenceForIngestion {
  return { ...mapColumns(row, COLUMNS), size: row.size === null ? null : Number(row.size) };
}

export interface NewEvidence {
  id: string;
  supplierId: string;
  productId: string | null;
  assessmentId: string | null;
  claimIds: string[];
  kindHint: EvidenceKind | null;
  source: 'upload' | 'url';
  url: string | null;
  filename: string | null;
  sha256: string | null;
  size: number | null;
  uploadedBy: string | null;
  validFrom: string | null;
  /** The validity the submitter declared (evidence whose content gives no date expires then). */
  declaredValidUntil: string | null;
  title: string | null;
}

/** A customer's change to a piece of evidence: `undefined` keeps the value, `null` clears it. */
export interface EvidenceChanges {
  validUntil?: string | null;
  title?: string | null;
}

export interface EvidenceOutcome {
  status: 'processed' | 'failed' | 'rejected';
  kind: EvidenceKind | null;
  mediaType: string | null;
  facts: Record<string, unknown>;
  checks: EvidenceCheck[];
  validUntil: string | null;
  error: string | null;
}

/** How far ahead `evidence.expiring` warns a tenant whose settings have not arrived yet. */
export const EXPIRING_WITHIN_DAYS = 30;

/**
 * What still owes an event: expired and not announced, or expiring within the tenant's notice
 * (`evidenceExpiryNoticeDays`) and not yet warned. `e` is the evidence row.
 */
const EXPIRY_DUE = `e.status = 'processed' and e.valid_until is not null and e.expired_notified_at is null
  and (e.valid_until <= app.now() or (e.expiring_notified_at is null and e.valid_until <= app.now() + make_interval(days =>
    coalesce((select t.expiry_notice_days from evidence.tenants t where t.tenant_id = e.tenant_id and t.id = e.tenant_id), ${EXPIRING_WITHIN_DAYS}))))`;

/** Evidence whose expiry (or coming expiry) has just been stamped as announced, with its supplier's name and owner. */
export interface AnnouncedExpiry {
  id: string;
  supplier_id: string;
  kind: string | null;
  valid_until: Date;
  expired: boolean;
  title: string | null;
  supplier_name: string | null;
  owner_user_id: string | null;
}

export interface EvidenceFilter {
  supplierId?: string;
  kind?: EvidenceKind;
  status?: EvidenceStatus;
}

@Injectable()
export class EvidenceRepository {
  /** Records a blob of the tenant; false when the tenant already holds that content. */
  async addBlob(manager: EntityManager, tenantId: string, id: string, sha256: string, size: number, storageKey: string): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `insert into evidence.blobs (tenant_id, id, sha256, size, storage_key) values ($1, $2, $3, $4, $5) on conflict (tenant_id, sha256) do nothing returning id`,
      [tenantId, id, sha256, size, storageKey],
    );
    return rows.length > 0;
  }

  async blobKey(manager: EntityManager, tenantId: string, sha256: string): Promise<string | null> {
    const [row]: { storage_key: string }[] = await manager.query(`select storage_key from evidence.blobs where tenant_id = $1 and sha256 = $2`, [
      tenantId,
      sha256,
    ]);
    return row?.storage_key ?? null;
  }

  /** Inserts the evidence, or answers the upload of the same content for the same supplier made before. */
  async insert(manager: EntityManager, tenantId: string, evidence: NewEvidence): Promise<{ evidence: EvidenceForIngestion; created: boolean }> {
    const inserted: EvidenceRow[] = await manager.query(
      `insert into evidence.evidence (tenant_id, id, supplier_id, product_id, assessment_id, claim_ids, kind_hint, status, source, url, filename, sha256, size, uploaded_by,
         valid_from, declared_valid_until, valid_until, title)
       values ($1, $2, $3, $4, $5, $6, $7, 'pending', $8, $9, $10, $11, $12, $13, $14, $15, $15, $16)
       on conflict (tenant_id, supplier_id, sha256) where source = 'upload' do nothing
       returning ${COLUMNS}`,
      [
        tenantId,
        evidence.id,
        evidence.supplierId,
        evidence.productId,
        evidence.assessmentId,
        evidence.claimIds,
        evidence.kindHint,
        evidence.source,
        evidence.url,
        evidence.filename,
        evidence.sha256,
        evidence.size,
        evidence.uploadedBy,
        evidence.validFrom,
        evidence.declaredValidUntil,
        evidence.title,
      ],
    );
    if (inserted[0]) return { evidence: toEvidence(inserted[0]), created: true };
    const [existing]: EvidenceRow[] = await manager.query(
      `select ${COLUMNS} from evidence.evidence where tenant_id = $1 and supplier_id = $2 and sha256 = $3 and source = 'upload'`,
      [tenantId, evidence.supplierId, evidence.sha256],
    );
    if (!existing) throw new Error('evidence upload conflicted but no earlier upload was found');
    return { evidence: toEvidence(existing), created: false };
  }

  async find(manager: EntityManager, tenantId: string, id: string): Promise<EvidenceForIngestion | null> {
    const [row]: EvidenceRow[] = await manager.query(`select ${COLUMNS} from evidence.evidence where tenant_id = $1 and id = $2`, [tenantId, id]);
    return row ? toEvidence(row) : null;
  }

  /** Newest first, keyset on the UUIDv7 id. */
  async list(manager: EntityManager, tenantId: string, filter: EvidenceFilter, limit: number, beforeId: string | null): Promise<EvidenceForIngestion[]> {
    const rows: EvidenceRow[] = await manager.query(
      `select ${COLUMNS} from evidence.evidence
       where tenant_id = $1 and ($2::uuid is null or supplier_id = $2) and ($3::text is null or kind = $3) and ($4::text is null or status = $4)
         and ($5::uuid is null or id < $5)
       order by id desc limit $6`,
      [tenantId, filter.supplierId ?? null, filter.kind ?? null, filter.status ?? null, beforeId, limit],
    );
    return rows.map(toEvidence);
  }

  /**
   * What a supplier sees through the portal: its evidence bound to the assessment, plus its evidence
   * named in `ids` (earlier submissions its answers cite), newest first. Served by the supplier index.
   */
  async forPortal(
    manager: EntityManager,
    tenantId: string,
    supplierId: string,
    assessmentId: string,
    ids: string[],
    limit: number,
  ): Promise<EvidenceForIngestion[]> {
    const rows: EvidenceRow[] = await manager.query(
      `select ${COLUMNS} from evidence.evidence
       where tenant_id = $1 and supplier_id = $2 and (assessment_id = $3 or id = any($4::uuid[]))
       order by id desc limit $5`,
      [tenantId, supplierId, assessmentId, ids, limit],
    );
    return rows.map(toEvidence);
  }

  /** The newest evidence (up to `perParent` each) of several suppliers or assessments, in one query. */
  async forParents(
    manager: EntityManager,
    tenantId: string,
    parent: 'supplier' | 'assessment',
    ids: string[],
    perParent: number,
  ): Promise<EvidenceForIngestion[]> {
    const column = parent === 'supplier' ? 'supplier_id' : 'assessment_id';
    const rows: EvidenceRow[] = await manager.query(
      `select e.* from unnest($2::uuid[]) as p(id)
       cross join lateral (select ${COLUMNS} from evidence.evidence where tenant_id = $1 and ${column} = p.id order by id desc limit $3) e`,
      [tenantId, ids, perParent],
    );
    return rows.map(toEvidence);
  }

  /** Claims the evidence for processing; null when it is already final. */
  async startProcessing(manager: EntityManager, tenantId: string, id: string): Promise<EvidenceForIngestion | null> {
    const row = await claimForProcessing<EvidenceRow>(manager, ['evidence', 'evidence'], COLUMNS, tenantId, id);
    return row ? toEvidence(row) : null;
  }

  /** URL evidence once fetched: its content is now known. */
  async setContent(manager: EntityManager, tenantId: string, id: string, sha256: string, size: number): Promise<void> {
    await manager.query(`update evidence.evidence set sha256 = $3, size = $4 where tenant_id = $1 and id = $2`, [tenantId, id, sha256, size]);
  }

  async finish(manager: EntityManager, tenantId: string, id: string, outcome: EvidenceOutcome): Promise<void> {
    await manager.query(
      `update evidence.evidence set status = $3, kind = $4, media_type = $5, facts = $6, checks = $7, content_valid_until = $8,
         valid_until = least($8::timestamptz, declared_valid_until), error = $9, processed_at = date_trunc('milliseconds', app.now())
       where tenant_id = $1 and id = $2`,
      [
        tenantId,
        id,
        outcome.status,
        outcome.kind,
        outcome.mediaType,
        JSON.stringify(outcome.facts),
        JSON.stringify(outcome.checks),
        outcome.validUntil,
        outcome.error,
      ],
    );
  }

  /**
   * Applies a customer's change and returns the evidence as it now is (null when unknown). The
   * effective `valid_until` is recomputed; when it moves, the expiry of the new date is announced afresh.
   */
  async update(manager: EntityManager, tenantId: string, id: string, changes: EvidenceChanges): Promise<EvidenceForIngestion | null> {
    const rows = await updateReturning<EvidenceRow>(
      manager,
      `with changed as (
         select id, case when $3 then $4::timestamptz else declared_valid_until end as declared, case when $5 then $6::text else title end as title
         from evidence.evidence where tenant_id = $1 and id = $2 for update
       )
       update evidence.evidence e set declared_valid_until = c.declared, title = c.title,
         valid_until = least(e.content_valid_until, c.declared),
         expiring_notified_at = case when least(e.content_valid_until, c.declared) is distinct from e.valid_until then null else e.expiring_notified_at end,
         expired_notified_at = case when least(e.content_valid_until, c.declared) is distinct from e.valid_until then null else e.expired_notified_at end
       from changed c where e.tenant_id = $1 and e.id = c.id
       returning ${E_COLUMNS}`,
      [tenantId, id, changes.validUntil !== undefined, changes.validUntil ?? null, changes.title !== undefined, changes.title ?? null],
    );
    return rows[0] ? toEvidence(rows[0]) : null;
  }

  /**
   * A piece of evidence for renewal, locked, with whether it is due for it: expired, or expiring
   * within the tenant's notice (`evidenceExpiryNoticeDays`).
   */
  async forRenewal(manager: EntityManager, tenantId: string, id: string): Promise<{ evidence: EvidenceForIngestion; due: boolean } | null> {
    const [row]: (EvidenceRow & { due: boolean })[] = await manager.query(
      `select ${E_COLUMNS}, (e.valid_until is not null and e.valid_until <= app.now() + make_interval(days =>
         coalesce((select t.expiry_notice_days from evidence.tenants t where t.tenant_id = e.tenant_id and t.id = e.tenant_id), ${EXPIRING_WITHIN_DAYS}))) as due
       from evidence.evidence e where e.tenant_id = $1 and e.id = $2 for update`,
      [tenantId, id],
    );
    return row ? { evidence: toEvidence(row), due: row.due } : null;
  }

  /** `newId` replaces `oldId`: the old is `superseded` and names its replacement, the new names what it supersedes. */
  async supersede(manager: EntityManager, tenantId: string, oldId: string, newId: string): Promise<void> {
    await manager.query(`update evidence.evidence set status = 'superseded', superseded_by = $3 where tenant_id = $1 and id = $2`, [tenantId, oldId, newId]);
    await manager.query(`update evidence.evidence set supersedes = $2 where tenant_id = $1 and id = $3`, [tenantId, oldId, newId]);
  }

  /** Tenants (system role) with evidence whose expiry, or coming expiry, is not announced yet. */
  async tenantsWithExpiryDue(manager: EntityManager, limit: number): Promise<string[]> {
    const rows: { tenant_id: string }[] = await manager.query(`select e.tenant_id from evidence.evidence e where ${EXPIRY_DUE} group by e.tenant_id limit $1`, [
      limit,
    ]);
    return rows.map((row) => row.tenant_id);
  }

  /**
   * Stamps `expired_notified_at` / `expiring_notified_at` on up to `limit` pieces of evidence that owe
   * their event (rows another dispatcher holds are skipped) and returns them.
   */
  async announceExpiry(manager: EntityManager, tenantId: string, limit: number): Promise<AnnouncedExpiry[]> {
    return updateReturning<AnnouncedExpiry>(
      manager,
      `with due as (
         select e.id from evidence.evidence e where e.tenant_id = $1 and ${EXPIRY_DUE} order by e.valid_until limit $2 for update skip locked
       )
       update evidence.evidence e set
         expired_notified_at = case when e.valid_until <= app.now() then app.now() else e.expired_notified_at end,
         expiring_notified_at = case when e.valid_until > app.now() then app.now() else e.expiring_notified_at end
       from due where e.tenant_id = $1 and e.id = due.id
       returning e.id, e.supplier_id, e.kind, e.valid_until, e.valid_until <= app.now() as expired, e.title,
         (select s.name from evidence.suppliers s where s.tenant_id = e.tenant_id and s.id = e.supplier_id) as supplier_name,
         (select s.owner_user_id from evidence.suppliers s where s.tenant_id = e.tenant_id and s.id = e.supplier_id) as owner_user_id`,
      [tenantId, limit],
    );
  }

  /** Evidence (system role) pending longer than `pendingAfterMs` since it was accepted, or still processing; oldest first. */
  async stranded(manager: EntityManager, pendingAfterMs: number, limit: number): Promise<{ tenantId: string; id: string }[]> {
    const rows: { tenant_id: string; id: string }[] = await manager.query(
      `select tenant_id, id from evidence.evidence
        where (status = 'pending' and created_at < app.now() - make_interval(secs => $2::float8 / 1000)) or status = 'processing'
        order by created_at limit $1`,
      [limit, pendingAfterMs],
    );
    return rows.map((row) => ({ tenantId: row.tenant_id, id: row.id }));
  }
}
