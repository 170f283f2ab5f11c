import { cycloneDxValidator } from '@assay/shared/testing';
import { loadBundledCatalogues } from './catalogue-document';
import { frameworkAsCycloneDx, requirementRef } from './cyclonedx-standard';

describe('the Code as a CycloneDX standard', () => {
  const [framework] = loadBundledCatalogues();
  if (!framework) throw new Error('no bundled catalogue');
  const document = frameworkAsCycloneDx(framework);
  const standard = document.definitions.standards[0];

  it('is a valid CycloneDX 1.6 document', () => {
    const validate = cycloneDxValidator();
    const valid = validate(document);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('the schema refuses what is not CycloneDX (the validation can fail)', () => {
    const validate = cycloneDxValidator();
    expect(validate({ ...document, definitions: { standards: [{ ...standard, requirements: [{ identifier: 1 }] }] } })).toBe(false);
    expect(validate({ ...document, specVersion: 16 })).toBe(false);
  });

  it('every claim is a requirement with a stable bom-ref, under its principle and theme', () => {
    const claims = framework.themes.flatMap((theme) => theme.principles.flatMap((principle) => principle.claims));
    const requirements = standard?.requirements ?? [];
    expect(requirements).toHaveLength(4 + 14 + 45);
    for (const claim of claims) {
      const requirement = requirements.find((candidate) => candidate.identifier === claim.id);
      expect(requirement).toMatchObject({ 'bom-ref': `urn:assay:framework:uk-sscop:${framework.version}:requirement:${claim.id}`, text: claim.text });
      expect(requirement?.parent).toBe(requirementRef(framework, claim.id.split('.').slice(0, 2).join('.')));
    }
    expect(new Set(requirements.map((requirement) => requirement['bom-ref'])).size).toBe(requirements.length);
    // The same framework version always gives the same document.
    expect(frameworkAsCycloneDx(framework)).toEqual(document);
    expect(document.serialNumber).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
