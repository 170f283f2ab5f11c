import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A CycloneDX JSON SBOM (1.5 unless told) of n npm components with versions, licences and hashes (distinct bytes each call). */
export function cycloneDxSbom(n: number, application = 'bench-app', specVersion = '1.5'): Buffer {
  const components = Array.from({ length: n }, (_, index) => ({
    type: 'library',
    'bom-ref': `c${index}`,
    name: `package-${index}`,
    version: `1.${index % 50}.${index % 7}`,
    purl: `pkg:npm/package-${index}@1.${index % 50}.${index % 7}`,
    licenses: [{ license: { id: index % 2 ? 'MIT' : 'Apache-2.0' } }],
    hashes: [{ alg: 'SHA-256', content: randomUUID().replace(/-/g, '').repeat(2) }],
  }));
  return Buffer.from(
    JSON.stringify({
      bomFormat: 'CycloneDX',
      specVersion,
      version: 1,
      metadata: { timestamp: new Date().toISOString(), component: { type: 'application', name: application, version: '1.0.0' } },
      components,
    }),
  );
}

/**
 * An SPDX 3.0.1 JSON-LD SBOM as SBOM tools write it: the document and its software_Sbom, the
 * application as root package, n npm packages (version, purl, SHA-256) each with a concluded-licence
 * relationship to one of two licence expressions, and one `contains` relationship from the root to
 * every package (distinct bytes each call).
 */
export function spdx3Sbom(n: number, application = 'bench-app'): Buffer {
  const ns = `https://assay.example/spdx/${randomUUID()}/`;
  const creationInfo = '_:creationinfo';
  const packages = Array.from({ length: n }, (_, index) => ({
    type: 'software_Package',
    spdxId: `${ns}package-${index}`,
    creationInfo,
    name: `package-${index}`,
    software_packageVersion: `1.${index % 50}.${index % 7}`,
    software_packageUrl: `pkg:npm/package-${index}@1.${index % 50}.${index % 7}`,
    verifiedUsing: [{ type: 'Hash', algorithm: 'sha256', hashValue: randomUUID().replace(/-/g, '').repeat(2) }],
  }));
  const licences = packages.map((pkg, index) => ({
    type: 'Relationship',
    spdxId: `${ns}licence-${index}`,
    creationInfo,
    from: pkg.spdxId,
    relationshipType: 'hasConcludedLicense',
    to: [`${ns}${index % 2 ? 'mit' : 'apache'}`],
  }));
  return Buffer.from(
    JSON.stringify({
      '@context': 'https://spdx.org/rdf/3.0.1/spdx-context.jsonld',
      '@graph': [
        {
          type: 'CreationInfo',
          '@id': creationInfo,
          specVersion: '3.0.1',
          created: new Date().toISOString(),
          createdBy: [`${ns}tool`],
          createdUsing: [`${ns}tool`],
        },
        { type: 'Tool', spdxId: `${ns}tool`, creationInfo, name: 'assay-bench' },
        { type: 'SpdxDocument', spdxId: `${ns}document`, creationInfo, rootElement: [`${ns}sbom`], profileConformance: ['core', 'software'] },
        { type: 'software_Sbom', spdxId: `${ns}sbom`, creationInfo, rootElement: [`${ns}root`], software_sbomType: ['build'] },
        { type: 'software_Package', spdxId: `${ns}root`, creationInfo, name: application, software_packageVersion: '1.0.0' },
        { type: 'simplelicensing_LicenseExpression', spdxId: `${ns}mit`, creationInfo, simplelicensing_licenseExpression: 'MIT' },
        { type: 'simplelicensing_LicenseExpression', spdxId: `${ns}apache`, creationInfo, simplelicensing_licenseExpression: 'Apache-2.0' },
        ...packages,
        ...licences,
        { type: 'Relationship', spdxId: `${ns}contains`, creationInfo, from: `${ns}root`, relationshipType: 'contains', to: packages.map((pkg) => pkg.spdxId) },
      ],
    }),
  );
}

/** A validator of the real CycloneDX 1.6 JSON schema (libs/assessments/src/catalogue/__fixtures__/cyclonedx-1.6, see its MANIFEST). */
export function cycloneDxValidator() {
  const dir = join(__dirname, '..', '..', '..', 'assessments', 'src', 'catalogue', '__fixtures__', 'cyclonedx-1.6');
  const schema = (name: string) => JSON.parse(readFileSync(join(dir, name), 'utf8'));
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  // Formats of the schema ajv-formats does not define: IRIs and internationalised emails.
  ajv.addFormat('iri-reference', true);
  ajv.addFormat('idn-email', true);
  ajv.addSchema(schema('spdx.schema.json'));
  ajv.addSchema(schema('jsf-0.82.schema.json'));
  return ajv.compile(schema('bom-1.6.schema.json'));
}
