import { createHash } from 'node:crypto';
import type { FrameworkDocument } from './catalogue-document';

/** One requirement of a CycloneDX standard (CycloneDX 1.6 `definitions.standards[].requirements[]`). */
export interface CycloneDxRequirement {
  'bom-ref': string;
  identifier: string;
  title?: string;
  text?: string;
  descriptions?: string[];
  parent?: string;
}

/** The framework as a CycloneDX 1.6 document whose `definitions.standards` holds it. */
export interface CycloneDxStandardDocument {
  bomFormat: 'CycloneDX';
  specVersion: '1.6';
  serialNumber: string;
  version: number;
  metadata: { manufacturer: { name: string }; properties: { name: string; value: string }[] };
  definitions: {
    standards: {
      'bom-ref': string;
      name: string;
      version: string;
      description: string;
      owner: string;
      requirements: CycloneDxRequirement[];
      externalReferences: { type: 'website'; url: string; comment: string }[];
    }[];
  };
}

/** The stable `bom-ref` of a theme, principle or claim of a framework version. */
export function requirementRef(framework: Pick<FrameworkDocument, 'key' | 'version'>, id: string): string {
  return `urn:assay:framework:${framework.key}:${framework.version}:requirement:${id}`;
}

/** A name-based (version 5 layout) UUID: the same name always gets the same serial number. */
export function nameUuid(name: string): string {
  const hash = createHash('sha1').update(`assay-framework:${name}`).digest();
  hash.writeUInt8((hash.readUInt8(6) & 0x0f) | 0x50, 6);
  hash.writeUInt8((hash.readUInt8(8) & 0x3f) | 0x80, 8);
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The framework as a CycloneDX standard: every theme, principle and claim a requirement with a
 * stable `bom-ref` (claims under their principle, principles under their theme), the evidence kinds
 * that support a claim as its description. Supplier declarations (CycloneDX Attestations) reference
 * the claims' `bom-ref`s.
 */
export function frameworkAsCycloneDx(framework: FrameworkDocument): CycloneDxStandardDocument {
  const requirements: CycloneDxRequirement[] = [];
  for (const theme of framework.themes) {
    const themeRef = requirementRef(framework, theme.id);
    requirements.push({ 'bom-ref': themeRef, identifier: theme.id, title: theme.title });
    for (const principle of theme.principles) {
      const principleRef = requirementRef(framework, principle.id);
      requirements.push({ 'bom-ref': principleRef, identifier: principle.id, title: principle.title, parent: themeRef });
      for (const claim of principle.claims) {
        requirements.push({
          'bom-ref': requirementRef(framework, claim.id),
          identifier: claim.id,
          text: claim.text,
          descriptions: [`Supporting evidence: ${claim.evidenceKinds.join(', ')}`],
          parent: principleRef,
        });
      }
    }
  }
  return {
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    serialNumber: `urn:uuid:${nameUuid(`${framework.key}@${framework.version}`)}`,
    version: 1,
    metadata: {
      manufacturer: { name: 'Assay' },
      properties: [
        { name: 'assay:framework:key', value: framework.key },
        { name: 'assay:framework:attribution', value: framework.attribution },
      ],
    },
    definitions: {
      standards: [
        {
          'bom-ref': `urn:assay:framework:${framework.key}:${framework.version}`,
          name: framework.name,
          version: framework.version,
          description: `${framework.name}: themes, principles and the claims assessed against them. ${framework.attribution}`,
          owner: framework.publisher,
          requirements,
          externalReferences: [{ type: 'website', url: framework.url, comment: 'The published framework' }],
        },
      ],
    },
  };
}
