import { TenantDatabase } from '@assay/shared/database';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { CatalogueTheme, FrameworkDocument, SupplierRole } from './catalogue-document';

type FrameworkHeader = Pick<FrameworkDocument, 'key' | 'version' | 'name' | 'publisher' | 'url' | 'attribution'>;

interface FrameworkRow extends FrameworkHeader {
  applicability: Record<SupplierRole, string[]>;
  evidence_kinds: string[];
  is_current: boolean;
}

export interface FrameworkSummary extends FrameworkHeader {
  current: boolean;
  themeCount: number;
  principleCount: number;
  claimCount: number;
}

/** Reads of the global catalogue tables. */
@Injectable()
export class CatalogueRepository {
  constructor(private readonly database: TenantDatabase) {}

  async listFrameworks(): Promise<FrameworkSummary[]> {
    return this.database.runGlobal(async (manager) => {
      const rows: (FrameworkRow & { theme_count: number; principle_count: number; claim_count: number })[] = await manager.query(
        `select f.*,
            (select count(*)::int from assessments.framework_themes t where t.framework_key = f.key and t.framework_version = f.version) as theme_count,
            (select count(*)::int from assessments.framework_principles p where p.framework_key = f.key and p.framework_version = f.version) as principle_count,
            (select count(*)::int from assessments.framework_claims c where c.framework_key = f.key and c.framework_version = f.version) as claim_count
           from assessments.frameworks f order by f.key, f.version desc`,
      );
      return rows.map((row) => ({
        key: row.key,
        version: row.version,
        name: row.name,
        publisher: row.publisher,
        url: row.url,
        attribution: row.attribution,
        current: row.is_current,
        themeCount: row.theme_count,
        principleCount: row.principle_count,
        claimCount: row.claim_count,
      }));
    });
  }

  /**
   * One framework version (the current one when no version is given), or null. Inside a transaction
   * pass its manager: taking a second connection from the pool while holding one deadlocks the pool
   * once every connection is held by a transaction waiting for another.
   */
  async findFramework(key: string, version?: string, within?: EntityManager): Promise<FrameworkDocument | null> {
    const read = <T>(work: (manager: EntityManager) => Promise<T>) => (within ? work(within) : this.database.runGlobal(work));
    return read(async (manager) => {
      const [framework]: FrameworkRow[] = await manager.query(
        version
          ? `select * from assessments.frameworks where key = $1 and version = $2`
          : `select * from assessments.frameworks where key = $1 order by is_current desc, version desc limit 1`,
        version ? [key, version] : [key],
      );
      if (!framework) return null;
      const fk = [framework.key, framework.version];
      const [themes, principles, claims, checks, mappings] = await Promise.all([
        manager.query(`select id, title from assessments.framework_themes where framework_key = $1 and framework_version = $2 order by position`, fk),
        manager.query(
          `select id, theme_id, title from assessments.framework_principles where framework_key = $1 and framework_version = $2 order by position`,
          fk,
        ),
        manager.query(
          `select id, principle_id, text, evidence_kinds from assessments.framework_claims where framework_key = $1 and framework_version = $2 order by position`,
          fk,
        ),
        manager.query(`select key, claim_ids, rule from assessments.framework_checks where framework_key = $1 and framework_version = $2 order by key`, fk),
        manager.query(
          `select target, principle_id, refs from assessments.framework_mappings where framework_key = $1 and framework_version = $2 order by target, principle_id`,
          fk,
        ),
      ]);
      const themeList: CatalogueTheme[] = (themes as { id: string; title: string }[]).map((theme) => ({
        id: theme.id,
        title: theme.title,
        principles: (principles as { id: string; theme_id: string; title: string }[])
          .filter((principle) => principle.theme_id === theme.id)
          .map((principle) => ({
            id: principle.id,
            title: principle.title,
            claims: (claims as { id: string; principle_id: string; text: string; evidence_kinds: string[] }[])
              .filter((claim) => claim.principle_id === principle.id)
              .map((claim) => ({ id: claim.id, text: claim.text, evidenceKinds: claim.evidence_kinds })),
          })),
      }));
      const mappingTable: Record<string, Record<string, string[]>> = {};
      for (const row of mappings as { target: string; principle_id: string; refs: string[] }[]) {
        (mappingTable[row.target] ??= {})[row.principle_id] = row.refs;
      }
      return {
        key: framework.key,
        version: framework.version,
        name: framework.name,
        publisher: framework.publisher,
        url: framework.url,
        attribution: framework.attribution,
        applicability: framework.applicability,
        evidenceKinds: framework.evidence_kinds,
        themes: themeList,
        checks: (checks as { key: string; claim_ids: string[]; rule: string }[]).map((check) => ({
          key: check.key,
          claimIds: check.claim_ids,
          rule: check.rule,
        })),
        mappings: mappingTable,
      };
    });
  }
}
