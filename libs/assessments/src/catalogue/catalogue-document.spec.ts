import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CatalogueFormatError, applicableClaimIds, loadBundledCatalogues, parseCatalogue } from './catalogue-document';

const source = readFileSync(join(__dirname, 'uk-sscop.yaml'), 'utf8');

describe('catalogue', () => {
  const [framework] = loadBundledCatalogues();

  it('parses the bundled Code: 4 themes, 14 principles, 45 claims, 42 checks', () => {
    expect(framework).toBeDefined();
    const principles = framework!.themes.flatMap((theme) => theme.principles);
    expect(framework!.themes).toHaveLength(4);
    expect(principles).toHaveLength(14);
    expect(principles.flatMap((p) => p.claims)).toHaveLength(45);
    expect(framework!.checks).toHaveLength(42);
    expect(framework!.attribution).toMatch(/Open Government Licence v3\.0/);
  });

  it('applies claims by supplier role', () => {
    expect(applicableClaimIds(framework!, 'developer_distributor')).toHaveLength(45);
    expect(applicableClaimIds(framework!, 'reseller').every((id) => /^[34]\./.test(id))).toBe(true);
    expect(applicableClaimIds(framework!, 'developer_only').some((id) => id.startsWith('4.'))).toBe(false);
  });

  it.each([
    ['a claim under the wrong principle', source.replace('id: "1.1.2"', 'id: "1.2.9"'), /claim 1.2.9 is not under principle 1.1/],
    ['a duplicated claim id', source.replace('id: "1.1.2"', 'id: "1.1.1"'), /claim id "1.1.1" is duplicated/],
    ['an unknown evidence kind', source.replace('evidence: [sbom] }', 'evidence: [dna] }'), /unknown evidence kinds dna/],
    ['a check for an unknown claim', source.replace('claims: ["4.2.1"]', 'claims: ["9.9.9"]'), /unknown claims 9.9.9/],
    ['a missing title', source.replace('title: Build environment security', 'title: ""'), /theme 2 title/],
  ])('rejects %s', (_name, broken, message) => {
    expect(() => parseCatalogue(broken)).toThrow(CatalogueFormatError);
    expect(() => parseCatalogue(broken)).toThrow(message);
  });

  it('rejects YAML aliases (no entity expansion)', () => {
    expect(() => parseCatalogue(`${source}\nbomb: &a [x]\nboom: *a\n`)).toThrow();
  });
});
