import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CatalogueTheme, FrameworkDocument, SupplierRole, frameworkHeader } from './catalogue-document';

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

/** The global catalogue tables: framework versions with their themes, principles, claims, checks and mappings. */
@Injectable()
export class CatalogueRepository {
  async listFrameworks(manager: EntityManager): Promise<FrameworkSummary[]> {
    const rows: (FrameworkRow & { theme_count: number; principle_count: number; claim_count: number })[] = await manager.query(
      `select f.*,
            (select count(*)::int from assessments.framework_themes t where t.framework_key = f.key and t.framework_version = f.version) as theme_count,
            (select count(*)::int from assessments.framework_principles p where p.framework_key = f.key and p.framework_version = f.version) as principle_count,
            (select count(*)::int from assessments.framework_claims c where c.framework_key = f.key and c.framework_version = f.version) as claim_count
           from assessments.frameworks f order by f.key, f.version desc`,
    );
    return rows.map((row) => ({
      ...frameworkHeader(row),
      current: row.is_current,
      themeCount: row.theme_count,
      principleCount: row.principle_count,
      claimCount: row.claim_count,
    }));
  }

  /** One framework version (the current one when no version is given), or null. */
  async findFramework(manager: EntityManager, key: string, version?: string): Promise<FrameworkDocument | null> {
    const [framework]: FrameworkRow[] = await manager.query(
      version
        ? `select * from assessments.frameworks where key = $1 and version = $2`
        : `select * from assessments.frameworks where key = $1 order by is_current desc, version desc limit 1`,
      version ? [key, version] : [key],
    );
    if (!framework) return null;
    const fk = [framework.key, framework.version];
    // One after another: the manager may be a transaction's single connection, which runs one query at a time.
    const themes = await manager.query(
      `select id, title from assessments.framework_themes where framework_key = $1 and framework_version = $2 order by position`,
      fk,
    );
    const principles = await manager.query(
      `select id, theme_id, title from assessments.framework_principles where framework_key = $1 and framework_version = $2 order by position`,
      fk,
    );
    const claims = await manager.query(
      `select id, principle_id, text, evidence_kinds from assessments.framework_claims where framework_key = $1 and framework_version = $2 order by position`,
      fk,
    );
    const checks = await manager.query(
      `select key, claim_ids, rule from assessments.framework_checks where framework_key = $1 and framework_version = $2 order by key`,
      fk,
    );
    const mappings = await manager.query(
      `select target, principle_id, refs from assessments.framework_mappings where framework_key = $1 and framework_version = $2 order by target, principle_id`,
      fk,
    );
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
      ...frameworkHeader(framework),
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
  }

  /**
   * Loads one framework version (run as the schema owner; the app role can only read these tables).
   * Idempotent: re-running updates texts in place, replaces checks and mappings, and marks the
   * newest version of the framework current.
   */
  async upsertFramework(manager: EntityManager, doc: FrameworkDocument): Promise<void> {
    const fk = [doc.key, doc.version];
    await manager.query(
      `insert into assessments.frameworks (key, version, name, publisher, url, attribution, applicability, evidence_kinds)
     values ($1, $2, $3, $4, $5, $6, $7, $8)
     on conflict (key, version) do update set name = excluded.name, publisher = excluded.publisher, url = excluded.url,
       attribution = excluded.attribution, applicability = excluded.applicability, evidence_kinds = excluded.evidence_kinds`,
      [...fk, doc.name, doc.publisher, doc.url, doc.attribution, JSON.stringify(doc.applicability), doc.evidenceKinds],
    );
    const themes = doc.themes;
    const principles = themes.flatMap((theme) => theme.principles.map((principle) => ({ ...principle, themeId: theme.id })));
    const claims = principles.flatMap((principle) => principle.claims.map((claim) => ({ ...claim, principleId: principle.id })));
    await manager.query(
      `insert into assessments.framework_themes (framework_key, framework_version, id, title, position)
     select $1, $2, * from unnest($3::text[], $4::text[], $5::int[])
     on conflict (framework_key, framework_version, id) do update set title = excluded.title, position = excluded.position`,
      [...fk, themes.map((t) => t.id), themes.map((t) => t.title), themes.map((_, i) => i)],
    );
    await manager.query(
      `insert into assessments.framework_principles (framework_key, framework_version, id, theme_id, title, position)
     select $1, $2, * from unnest($3::text[], $4::text[], $5::text[], $6::int[])
     on conflict (framework_key, framework_version, id) do update set title = excluded.title, theme_id = excluded.theme_id, position = excluded.position`,
      [...fk, principles.map((p) => p.id), principles.map((p) => p.themeId), principles.map((p) => p.title), principles.map((_, i) => i)],
    );
    // unnest cannot take a ragged text[][], so evidence kinds travel as JSON arrays.
    await manager.query(
      `insert into assessments.framework_claims (framework_key, framework_version, id, principle_id, text, evidence_kinds, position)
     select $1, $2, c.id, c.principle_id, c.text, array(select jsonb_array_elements_text(c.kinds)), c.position
       from unnest($3::text[], $4::text[], $5::text[], $6::jsonb[], $7::int[]) as c(id, principle_id, text, kinds, position)
     on conflict (framework_key, framework_version, id) do update set text = excluded.text, principle_id = excluded.principle_id,
       evidence_kinds = excluded.evidence_kinds, position = excluded.position`,
      [
        ...fk,
        claims.map((c) => c.id),
        claims.map((c) => c.principleId),
        claims.map((c) => c.text),
        claims.map((c) => JSON.stringify(c.evidenceKinds)),
        claims.map((_, i) => i),
      ],
    );
    await manager.query(`delete from assessments.framework_checks where framework_key = $1 and framework_version = $2`, fk);
    for (const check of doc.checks) {
      await manager.query(`insert into assessments.framework_checks (framework_key, framework_version, key, claim_ids, rule) values ($1, $2, $3, $4, $5)`, [
        ...fk,
        check.key,
        check.claimIds,
        check.rule,
      ]);
    }
    await manager.query(`delete from assessments.framework_mappings where framework_key = $1 and framework_version = $2`, fk);
    for (const [target, byPrinciple] of Object.entries(doc.mappings)) {
      for (const [principleId, refs] of Object.entries(byPrinciple)) {
        await manager.query(
          `insert into assessments.framework_mappings (framework_key, framework_version, target, principle_id, refs) values ($1, $2, $3, $4, $5)`,
          [...fk, target, principleId, refs],
        );
      }
    }
    await manager.query(`update assessments.frameworks set is_current = false where key = $1 and is_current`, [doc.key]);
    await manager.query(
      `update assessments.frameworks set is_current = true where key = $1 and version = (select max(version) from assessments.frameworks where key = $1)`,
      [doc.key],
    );
  }
}
