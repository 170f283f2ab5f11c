import type { EntityManager } from 'typeorm';
import type { FrameworkDocument } from './catalogue-document';

/**
 * Loads one framework version into the global catalogue tables (as the schema owner; the app role
 * can only read them). Idempotent: re-running updates texts in place and marks the newest version
 * of the framework current.
 */
export async function seedCatalogue(manager: EntityManager, doc: FrameworkDocument): Promise<void> {
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
