import { newId } from '@assay/shared/database';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface SbomComponent {
  purl: string | null;
  /** The purl without its version (and qualifiers), so versionless queries use an index too. */
  purlBase: string | null;
  name: string;
  version: string | null;
  type: string | null;
  licences: string[];
  hashes: Record<string, string>;
}

export interface ComponentExposure {
  purl: string | null;
  name: string;
  version: string | null;
  supplierId: string;
  supplierName: string;
  productId?: string;
  evidenceId: string;
}

@Injectable()
export class ComponentsRepository {
  /** Removes the components of one piece of evidence (before it is processed again: never a component twice). */
  async deleteForEvidence(manager: EntityManager, tenantId: string, evidenceId: string): Promise<void> {
    await manager.query(`delete from evidence.components where tenant_id = $1 and evidence_id = $2`, [tenantId, evidenceId]);
  }

  /**
   * Writes a batch of components in one statement (never row by row): the rows travel as one JSON
   * text, serialised natively and unpacked by Postgres, which keeps the worker's garbage (and so its
   * memory) low. COPY cannot be used: Postgres refuses COPY FROM into tables under row-level security.
   */
  async insert(
    manager: EntityManager,
    tenantId: string,
    evidence: { id: string; supplierId: string; productId: string | null },
    batch: SbomComponent[],
  ): Promise<void> {
    if (batch.length === 0) return;
    await manager.query(
      `insert into evidence.components (tenant_id, id, evidence_id, supplier_id, product_id, purl, purl_base, name, version, type, licences, hashes)
       select $1, c.id, $2, $3, $4, c.purl, c."purlBase", c.name, c.version, c.type, coalesce(c.licences, '{}'), coalesce(c.hashes, '{}')
       from json_to_recordset($5::json) as c(id uuid, purl text, "purlBase" text, name text, version text, type text, licences text[], hashes jsonb)`,
      [tenantId, evidence.id, evidence.supplierId, evidence.productId, JSON.stringify(batch.map((component) => ({ id: newId(), ...component })))],
    );
  }

  /**
   * Which of the given packages (versionless purls) a supplier ships, by its processed SBOMs, with
   * the versions it ships of each; `sboms` says whether it has any processed SBOM at all. Answered
   * from the `(tenant_id, purl_base)` index.
   */
  async shippedBySupplier(
    manager: EntityManager,
    tenantId: string,
    supplierId: string,
    purlBases: string[],
  ): Promise<{ sboms: boolean; versions: Map<string, Set<string | null>> }> {
    const [{ sboms }]: [{ sboms: boolean }] = await manager.query(
      `select exists (select 1 from evidence.evidence where tenant_id = $1 and supplier_id = $2 and kind = 'sbom' and status = 'processed') as sboms`,
      [tenantId, supplierId],
    );
    const versions = new Map<string, Set<string | null>>();
    if (!sboms || purlBases.length === 0) return { sboms, versions };
    const rows: { purl_base: string; version: string | null }[] = await manager.query(
      `select distinct c.purl_base, c.version
         from evidence.components c
         join evidence.evidence e on e.tenant_id = c.tenant_id and e.id = c.evidence_id and e.status = 'processed' and e.kind = 'sbom'
        where c.tenant_id = $1 and c.supplier_id = $2 and c.purl_base = any($3::text[])`,
      [tenantId, supplierId, purlBases],
    );
    for (const row of rows) versions.set(row.purl_base, (versions.get(row.purl_base) ?? new Set()).add(row.version));
    return { sboms, versions };
  }

  /** Which suppliers (and products) ship a component: by exact purl, by versionless purl, or by name and version. */
  async exposure(
    manager: EntityManager,
    tenantId: string,
    query: { purl?: string; purlBase?: string; name?: string; version?: string },
    limit: number,
  ): Promise<ComponentExposure[]> {
    const where = query.purl
      ? `c.purl = $2`
      : query.purlBase
        ? `c.purl_base = $2`
        : // name_key is lower(name), stored: an expression on the column could not use the index under RLS.
          `c.name_key = lower($2) and ($3::text is null or c.version = $3)`;
    const params = query.purl ? [tenantId, query.purl] : query.purlBase ? [tenantId, query.purlBase] : [tenantId, query.name, query.version ?? null];
    const rows: {
      purl: string | null;
      name: string;
      version: string | null;
      supplier_id: string;
      supplier_name: string;
      product_id: string | null;
      evidence_id: string;
    }[] = await manager.query(
      `select distinct on (c.evidence_id, c.purl, c.name, c.version) c.purl, c.name, c.version, c.supplier_id, s.name as supplier_name, c.product_id, c.evidence_id
         from evidence.components c join evidence.suppliers s on s.tenant_id = c.tenant_id and s.id = c.supplier_id
         join evidence.evidence e on e.tenant_id = c.tenant_id and e.id = c.evidence_id and e.status = 'processed'
         where c.tenant_id = $1 and ${where}
         order by c.evidence_id desc, c.purl, c.name, c.version
         limit ${Math.max(1, Math.min(limit, 1000))}`,
      params,
    );
    return rows.map((row) => ({
      purl: row.purl,
      name: row.name,
      version: row.version,
      supplierId: row.supplier_id,
      supplierName: row.supplier_name,
      ...(row.product_id ? { productId: row.product_id } : {}),
      evidenceId: row.evidence_id,
    }));
  }
}
