import { claimForProcessing, mapColumns, newId } from '@assay/shared/database';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Exposure } from './advisory-exposures.repository';
import type { AdvisoryFormat, AdvisorySource, AffectedPackage, KevEntry, ParsedAdvisory } from './advisory-documents';

export const ADVISORY_IMPORT_STATUSES = ['pending', 'processing', 'processed', 'failed'] as const;
export type AdvisoryImportStatus = (typeof ADVISORY_IMPORT_STATUSES)[number];

export interface AdvisoryImportOutcome {
  /** Advisories created or moved to a newer version by this document. */
  imported?: number;
  /** Records whose version (id and `modified`) was already stored, or older than the stored one. */
  unchanged?: number;
  /** KEV entries read. */
  kevEntries?: number;
  /** Records refused, each with its reason. */
  rejected?: { ref: string; reason: string }[];
  advisoryIds?: string[];
}

export interface AdvisoryImport {
  id: string;
  format: AdvisoryFormat | null;
  status: AdvisoryImportStatus;
  sha256: string;
  size: number;
  error: string | null;
  outcome: AdvisoryImportOutcome;
  createdAt: string;
  processedAt: string | null;
}

export interface AdvisorySummary {
  id: string;
  source: AdvisorySource;
  externalIds: string[];
  summary: string | null;
  severity: string | null;
  published: string | null;
  modified: string;
  kev: boolean;
}

export interface Advisory extends AdvisorySummary {
  affected: AffectedPackage[];
  notes: string[];
  /** Every stored component the advisory names (at most 1,000), with its supplier and status. */
  exposure: Exposure[];
}

interface ImportRow {
  id: string;
  format: AdvisoryFormat | null;
  status: AdvisoryImportStatus;
  sha256: string;
  size: string;
  attempts: number;
  error: string | null;
  outcome: AdvisoryImportOutcome;
  created_at: Date;
  processed_at: Date | null;
}

interface AdvisoryRow {
  id: string;
  source: AdvisorySource;
  external_ids: string[];
  summary: string | null;
  severity: string | null;
  published: Date | null;
  modified: Date;
  kev: boolean;
  affected?: AffectedPackage[];
  notes?: string[];
}

const IMPORT_COLUMNS = `id, format, status, sha256, size, attempts, error, outcome, created_at, processed_at`;
const SUMMARY_COLUMNS = `id, source, external_ids, summary, severity, published, modified, kev`;

function toImport(row: ImportRow): AdvisoryImport & { attempts: number } {
  return {
    id: row.id,
    format: row.format,
    status: row.status,
    sha256: row.sha256,
    size: Number(row.size),
    error: row.error,
    outcome: row.outcome,
    createdAt: row.created_at.toISOString(),
    processedAt: row.processed_at ? row.processed_at.toISOString() : null,
    attempts: row.attempts,
  };
}

function toSummary(row: AdvisoryRow): AdvisorySummary {
  return mapColumns(row, SUMMARY_COLUMNS);
}

/** Every statement on advisories, their packages, the KEV entries and the submitted documents. */
@Injectable()
export class AdvisoriesRepository {
  async insertImport(manager: EntityManager, tenantId: string, input: { id: string; sha256: string; size: number; submittedBy: string | null }): Promise<void> {
    await manager.query(
      `insert into evidence.advisory_imports (tenant_id, id, status, sha256, size, submitted_by, created_at)
       values ($1, $2, 'pending', $3, $4, $5, date_trunc('milliseconds', app.now()))`,
      [tenantId, input.id, input.sha256, input.size, input.submittedBy],
    );
  }

  async findImport(manager: EntityManager, tenantId: string, id: string): Promise<AdvisoryImport | null> {
    const rows: ImportRow[] = await manager.query(`select ${IMPORT_COLUMNS} from evidence.advisory_imports where tenant_id = $1 and id = $2`, [tenantId, id]);
    if (!rows[0]) return null;
    const { attempts: _attempts, ...found } = toImport(rows[0]);
    return found;
  }

  /** Claims a document for processing (counting the attempt); null when it is already final. */
  async startImport(manager: EntityManager, tenantId: string, id: string): Promise<(AdvisoryImport & { attempts: number }) | null> {
    const row = await claimForProcessing<ImportRow>(manager, ['evidence', 'advisory_imports'], IMPORT_COLUMNS, tenantId, id);
    return row ? toImport(row) : null;
  }

  async finishImport(
    manager: EntityManager,
    tenantId: string,
    id: string,
    result: { status: 'processed' | 'failed'; format: AdvisoryFormat | null; error: string | null; outcome: AdvisoryImportOutcome },
  ): Promise<void> {
    await manager.query(
      `update evidence.advisory_imports set status = $3, format = $4, error = $5, outcome = $6, processed_at = date_trunc('milliseconds', app.now())
        where tenant_id = $1 and id = $2`,
      [tenantId, id, result.status, result.format, result.error, JSON.stringify(result.outcome)],
    );
  }

  /**
   * Stores one advisory version: created when new, replaced (with its packages) when `modified` is
   * newer than the stored one, and left alone when the same or an older version arrives again.
   * Returns its id and whether anything was written.
   */
  async upsertAdvisory(manager: EntityManager, tenantId: string, importId: string, advisory: ParsedAdvisory): Promise<{ id: string; written: boolean }> {
    const rows: { id: string }[] = await manager.query(
      `insert into evidence.advisories
         (tenant_id, id, source, external_id, external_ids, summary, severity, published, modified, kev, affected, notes, import_id, created_at, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9,
               exists (select 1 from evidence.kev_entries k where k.tenant_id = $1 and k.cve = any($5)),
               $10, $11, $12, date_trunc('milliseconds', app.now()), date_trunc('milliseconds', app.now()))
       on conflict (tenant_id, source, external_id) do update
         set external_ids = excluded.external_ids, summary = excluded.summary, severity = excluded.severity, published = excluded.published,
             modified = excluded.modified, kev = excluded.kev, affected = excluded.affected, notes = excluded.notes,
             import_id = excluded.import_id, updated_at = excluded.updated_at
         where advisories.modified < excluded.modified
       returning id`,
      [
        tenantId,
        newId(),
        advisory.source,
        advisory.externalId,
        advisory.externalIds,
        advisory.summary,
        advisory.severity,
        advisory.published,
        advisory.modified,
        JSON.stringify(advisory.affected),
        advisory.notes,
        importId,
      ],
    );
    if (rows[0]) {
      const id = rows[0].id;
      await manager.query(`delete from evidence.advisory_packages where tenant_id = $1 and advisory_id = $2`, [tenantId, id]);
      const packages = advisory.affected.filter((item) => item.purl !== null);
      if (packages.length > 0) {
        await manager.query(
          `insert into evidence.advisory_packages (tenant_id, id, advisory_id, purl_base, ranges, versions, status)
           select $1, p.id, $2, p.purl, coalesce(p.ranges, '[]'), coalesce(p.versions, '{}'), p.status
           from json_to_recordset($3::json) as p(id uuid, purl text, ranges jsonb, versions text[], status text)`,
          [
            tenantId,
            id,
            JSON.stringify(
              packages.map((item) => ({ id: newId(), purl: item.purl, ranges: item.ranges, versions: item.versions, status: item.status ?? null })),
            ),
          ],
        );
      }
      return { id, written: true };
    }
    const existing: { id: string }[] = await manager.query(`select id from evidence.advisories where tenant_id = $1 and source = $2 and external_id = $3`, [
      tenantId,
      advisory.source,
      advisory.externalId,
    ]);
    return { id: existing[0]?.id as string, written: false };
  }

  /** Records the KEV entries and flags the tenant's advisories that name one of their CVEs. */
  async upsertKev(manager: EntityManager, tenantId: string, entries: KevEntry[]): Promise<void> {
    await manager.query(
      `insert into evidence.kev_entries (tenant_id, id, cve, date_added, due_date, name, known_ransomware_campaign_use, updated_at)
       select $1, gen_random_uuid(), k.cve, k."dateAdded", k."dueDate", k.name, k."knownRansomwareCampaignUse", date_trunc('milliseconds', app.now())
       from json_to_recordset($2::json) as k(cve text, "dateAdded" text, "dueDate" text, name text, "knownRansomwareCampaignUse" text)
       on conflict (tenant_id, cve) do update
         set date_added = excluded.date_added, due_date = excluded.due_date, name = excluded.name,
             known_ransomware_campaign_use = excluded.known_ransomware_campaign_use, updated_at = excluded.updated_at`,
      [tenantId, JSON.stringify(entries)],
    );
    await manager.query(`update evidence.advisories set kev = true where tenant_id = $1 and not kev and external_ids && $2::text[]`, [
      tenantId,
      entries.map((entry) => entry.cve),
    ]);
  }

  /** The tenant's advisories, most recently modified first; `q` matches an id exactly or the summary in part. */
  async list(
    manager: EntityManager,
    tenantId: string,
    filter: { q?: string; kev?: boolean },
    limit: number,
    after: { modified: string; id: string } | null,
  ): Promise<AdvisorySummary[]> {
    const rows: AdvisoryRow[] = await manager.query(
      `select ${SUMMARY_COLUMNS} from evidence.advisories
        where tenant_id = $1
          and ($2::text is null or external_ids @> array[upper($2::text)] or external_ids @> array[$2::text] or summary ilike '%' || $3 || '%')
          and ($4::boolean is null or kev = $4)
          and ($5::timestamptz is null or (modified, id) < ($5::timestamptz, $6::uuid))
        order by modified desc, id desc
        limit $7`,
      [
        tenantId,
        filter.q ?? null,
        filter.q ? filter.q.replace(/[\\%_]/g, (c) => `\\${c}`) : null,
        filter.kev ?? null,
        after?.modified ?? null,
        after?.id ?? null,
        limit,
      ],
    );
    return rows.map(toSummary);
  }

  async find(manager: EntityManager, tenantId: string, id: string): Promise<Omit<Advisory, 'exposure'> | null> {
    return (await this.findMany(manager, tenantId, [id]))[0] ?? null;
  }

  /** Several advisories by id, in no particular order; unknown ids are left out. */
  async findMany(manager: EntityManager, tenantId: string, ids: string[]): Promise<Omit<Advisory, 'exposure'>[]> {
    if (ids.length === 0) return [];
    const rows: AdvisoryRow[] = await manager.query(
      `select ${SUMMARY_COLUMNS}, affected, notes from evidence.advisories where tenant_id = $1 and id = any($2::uuid[])`,
      [tenantId, ids],
    );
    return rows.map((row) => ({ ...toSummary(row), affected: row.affected ?? [], notes: row.notes ?? [] }));
  }
}
