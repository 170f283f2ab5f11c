import fc from 'fast-check';
import { CatalogueFormatError, FrameworkDocument, parseCatalogue } from './catalogue-document';

const KINDS = ['sbom', 'policy', 'dna', '', '__proto__'];
const id = (parent: string) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min: 1, max: 3 }).map((n) => (parent ? `${parent}.${n}` : `${n}`)) },
    { weight: 1, arbitrary: fc.constantFrom('', '9.9', '__proto__', '1.1.1.1', '*a') },
  );
const scalar = fc.oneof(
  fc.string({ maxLength: 8 }).map((text) => JSON.stringify(text)),
  fc.constantFrom('~', 'null', '[]', '{}', '1', 'yes', '&a x', '*a', '!!binary AAAA', '"\\ud800"', '|', '>-', '<<: *a'),
);
const flow = (items: string[]) => `[${items.join(', ')}]`;

/** Small catalogues in the shape of the bundled one: mostly valid, with broken ids, kinds, scalars and references. */
const claim = (principle: string) =>
  fc
    .tuple(id(principle), fc.oneof(fc.constant('Text.'), scalar), fc.array(fc.constantFrom(...KINDS), { maxLength: 2 }))
    .map(([claimId, text, kinds]) => `          - { id: "${claimId}", text: ${text}, evidence: ${flow(kinds)} }`);
const principle = (theme: string) =>
  id(theme).chain((principleId) =>
    fc
      .array(claim(principleId), { maxLength: 2 })
      .map((claims) => [`      - id: "${principleId}"`, '        title: A principle', '        claims:', ...claims].join('\n')),
  );
const theme = id('').chain((themeId) =>
  fc
    .tuple(fc.oneof(fc.constant('A theme'), scalar), fc.array(principle(themeId), { maxLength: 1 }))
    .map(([title, principles]) => [`  - id: "${themeId}"`, `    title: ${title}`, '    principles:', ...principles].join('\n')),
);
const catalogue = fc
  .tuple(
    fc.array(theme, { minLength: 1, maxLength: 1 }),
    fc.array(fc.constantFrom('"1"', '"2"', '"9"'), { maxLength: 2 }),
    fc.array(fc.tuple(fc.constantFrom('sbom.present', '__proto__', 'x'), fc.array(fc.constantFrom('"1.1.1"', '"1.2.1"', '"9.9.9"'), { maxLength: 2 })), {
      maxLength: 1,
    }),
    fc.array(fc.tuple(fc.constantFrom('iso27001', '__proto__'), fc.constantFrom('"1.1"', '"1.2"', '"7.7"'), scalar), { maxLength: 1 }),
    fc.oneof(
      fc.constant(''),
      scalar.map((value) => `\n${value}`),
      fc.constantFrom('\nkey: twice', '\n  bad indent', '\n- list', '\n\t tab: 1', '\nbomb: &a [x]\nboom: *a'),
    ),
  )
  .map(
    ([themes, applied, checks, mappings, tail]) =>
      [
        'key: uk-sscop',
        'name: Code',
        'publisher: DSIT',
        'version: "2025-05-07"',
        'url: https://example.gov.uk/code',
        'attribution: OGL v3.0',
        'applicability:',
        `  developer_distributor: ${flow(applied)}`,
        `  reseller: ${flow(applied)}`,
        '  developer_only: []',
        `evidence_kinds: ${flow(['sbom', 'policy'])}`,
        'themes:',
        ...themes,
        'checks:',
        ...checks.map(([key, claims]) => `  ${key}: { claims: ${flow(claims)}, rule: "a rule" }`),
        'mappings:',
        ...mappings.map(([target, principleId, ref]) => `  ${target}: { ${principleId}: [${ref}] }`),
      ].join('\n') + tail,
  );

describe('catalogue validation under generated input', () => {
  it('a catalogue is accepted whole and consistent, or refused with a CatalogueFormatError', () => {
    fc.assert(
      fc.property(fc.oneof({ weight: 9, arbitrary: catalogue }, { weight: 1, arbitrary: fc.string({ maxLength: 40 }) }), (source) => {
        let framework: FrameworkDocument;
        try {
          framework = parseCatalogue(source);
        } catch (error) {
          if (error instanceof CatalogueFormatError) return true;
          throw error;
        }
        const claims = framework.themes.flatMap((t) => t.principles.flatMap((p) => p.claims));
        const ids = [...framework.themes.map((t) => t.id), ...framework.themes.flatMap((t) => t.principles.map((p) => p.id)), ...claims.map((c) => c.id)];
        expect(new Set(ids).size).toBe(ids.length);
        for (const c of claims) expect(c.evidenceKinds.every((kind) => framework.evidenceKinds.includes(kind))).toBe(true);
        const claimIds = new Set(claims.map((c) => c.id));
        for (const check of framework.checks) expect(check.claimIds.every((claimId) => claimIds.has(claimId))).toBe(true);
        return ({} as Record<string, unknown>)['polluted'] === undefined;
      }),
    );
  });
});
