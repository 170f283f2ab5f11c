import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export const SUPPLIER_ROLES = ['developer_distributor', 'reseller', 'developer_only'] as const;
export type SupplierRole = (typeof SUPPLIER_ROLES)[number];

export interface CatalogueClaim {
  id: string;
  text: string;
  evidenceKinds: string[];
}

export interface CataloguePrinciple {
  id: string;
  title: string;
  claims: CatalogueClaim[];
}

export interface CatalogueTheme {
  id: string;
  title: string;
  principles: CataloguePrinciple[];
}

export interface CatalogueCheck {
  key: string;
  claimIds: string[];
  rule: string;
}

/** A framework version as served by the API: the Code's structure plus checks and mappings. */
export interface FrameworkDocument {
  key: string;
  version: string;
  name: string;
  publisher: string;
  url: string;
  attribution: string;
  applicability: Record<SupplierRole, string[]>;
  evidenceKinds: string[];
  themes: CatalogueTheme[];
  checks: CatalogueCheck[];
  /** target framework → principle id → references. Our analysis unless the source says otherwise. */
  mappings: Record<string, Record<string, string[]>>;
}

/** What names a framework version and credits its source (the report and every listing carry it). */
export type FrameworkHeader = Pick<FrameworkDocument, 'key' | 'version' | 'name' | 'publisher' | 'url' | 'attribution'>;

export function frameworkHeader(framework: FrameworkHeader): FrameworkHeader {
  const { key, version, name, publisher, url, attribution } = framework;
  return { key, version, name, publisher, url, attribution };
}

export class CatalogueFormatError extends Error {
  constructor(problem: string) {
    super(`Catalogue file is invalid: ${problem}`);
    this.name = 'CatalogueFormatError';
  }
}

type Raw = Record<string, unknown>;

function text(value: unknown, where: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new CatalogueFormatError(`${where} must be a non-empty string`);
  return value.trim();
}

function list(value: unknown, where: string): unknown[] {
  if (!Array.isArray(value)) throw new CatalogueFormatError(`${where} must be a list`);
  return value;
}

function record(value: unknown, where: string): Raw {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new CatalogueFormatError(`${where} must be a mapping`);
  return value as Raw;
}

/** Parses and checks a catalogue YAML: structure, unique ids, claims nested under their principle, known evidence kinds. */
export function parseCatalogue(source: string): FrameworkDocument {
  let document: unknown;
  try {
    document = parse(source, { prettyErrors: true, uniqueKeys: true, maxAliasCount: 0 });
  } catch (error) {
    // YAML syntax errors, and aliases (refused: no expansion), which the yaml package reports as a ReferenceError.
    throw new CatalogueFormatError(`not readable YAML: ${(error as Error).message}`);
  }
  const root = record(document, 'document');
  const evidenceKinds = list(root['evidence_kinds'], 'evidence_kinds').map((kind, i) => text(kind, `evidence_kinds[${i}]`));
  const seen = new Set<string>();
  const unique = (id: string, where: string) => {
    if (seen.has(id)) throw new CatalogueFormatError(`${where} id "${id}" is duplicated`);
    seen.add(id);
    return id;
  };
  const themes = list(root['themes'], 'themes').map((rawTheme, t) => {
    const theme = record(rawTheme, `themes[${t}]`);
    const themeId = unique(text(theme['id'], `themes[${t}].id`), 'theme');
    return {
      id: themeId,
      title: text(theme['title'], `theme ${themeId} title`),
      principles: list(theme['principles'], `theme ${themeId} principles`).map((rawPrinciple, p) => {
        const principle = record(rawPrinciple, `theme ${themeId} principles[${p}]`);
        const principleId = unique(text(principle['id'], `principle id`), 'principle');
        if (!principleId.startsWith(`${themeId}.`)) throw new CatalogueFormatError(`principle ${principleId} is not under theme ${themeId}`);
        return {
          id: principleId,
          title: text(principle['title'], `principle ${principleId} title`),
          claims: list(principle['claims'], `principle ${principleId} claims`).map((rawClaim, c) => {
            const claim = record(rawClaim, `principle ${principleId} claims[${c}]`);
            const claimId = unique(text(claim['id'], 'claim id'), 'claim');
            if (!claimId.startsWith(`${principleId}.`)) throw new CatalogueFormatError(`claim ${claimId} is not under principle ${principleId}`);
            const kinds = list(claim['evidence'], `claim ${claimId} evidence`).map((kind) => text(kind, `claim ${claimId} evidence`));
            const unknown = kinds.filter((kind) => !evidenceKinds.includes(kind));
            if (unknown.length) throw new CatalogueFormatError(`claim ${claimId} names unknown evidence kinds ${unknown.join(', ')}`);
            return { id: claimId, text: text(claim['text'], `claim ${claimId} text`), evidenceKinds: kinds };
          }),
        };
      }),
    };
  });
  const themeIds = new Set(themes.map((theme) => theme.id));
  const principleIds = new Set(themes.flatMap((theme) => theme.principles.map((principle) => principle.id)));
  const claimIds = new Set(themes.flatMap((theme) => theme.principles.flatMap((principle) => principle.claims.map((claim) => claim.id))));

  const rawApplicability = record(root['applicability'], 'applicability');
  const applicability = Object.fromEntries(
    SUPPLIER_ROLES.map((role) => {
      const ids = list(rawApplicability[role], `applicability.${role}`).map((id) => text(id, `applicability.${role}`));
      const unknown = ids.filter((id) => !themeIds.has(id));
      if (unknown.length) throw new CatalogueFormatError(`applicability.${role} names unknown themes ${unknown.join(', ')}`);
      return [role, ids];
    }),
  ) as Record<SupplierRole, string[]>;

  const checks = Object.entries(record(root['checks'] ?? {}, 'checks')).map(([key, rawCheck]) => {
    const check = record(rawCheck, `checks.${key}`);
    const ids = list(check['claims'], `checks.${key}.claims`).map((id) => text(id, `checks.${key}.claims`));
    const unknown = ids.filter((id) => !claimIds.has(id));
    if (unknown.length) throw new CatalogueFormatError(`check ${key} supports unknown claims ${unknown.join(', ')}`);
    return { key, claimIds: ids, rule: text(check['rule'], `checks.${key}.rule`) };
  });

  const mappings = Object.fromEntries(
    Object.entries(record(root['mappings'] ?? {}, 'mappings')).map(([target, rawTarget]) => [
      target,
      Object.fromEntries(
        Object.entries(record(rawTarget, `mappings.${target}`)).map(([principleId, refs]) => {
          if (!principleIds.has(principleId)) throw new CatalogueFormatError(`mapping ${target} names unknown principle ${principleId}`);
          return [principleId, list(refs, `mappings.${target}.${principleId}`).map((ref) => text(String(ref), `mapping ref`))];
        }),
      ),
    ]),
  );

  return {
    key: text(root['key'], 'key'),
    version: text(String(root['version'] ?? ''), 'version'),
    name: text(root['name'], 'name'),
    publisher: text(root['publisher'], 'publisher'),
    url: text(root['url'], 'url'),
    attribution: text(root['attribution'], 'attribution'),
    applicability,
    evidenceKinds,
    themes,
    checks,
    mappings,
  };
}

/** The catalogue files shipped with Assay. */
export function loadBundledCatalogues(): FrameworkDocument[] {
  return [parseCatalogue(readFileSync(join(__dirname, 'uk-sscop.yaml'), 'utf8'))];
}

/** Claim ids that apply to a supplier of the given role. */
export function applicableClaimIds(framework: FrameworkDocument, role: SupplierRole): string[] {
  const themes = new Set(framework.applicability[role]);
  return framework.themes.filter((theme) => themes.has(theme.id)).flatMap((theme) => theme.principles.flatMap((p) => p.claims.map((c) => c.id)));
}
