import { randomUUID } from 'node:crypto';

/** A CycloneDX 1.5 JSON SBOM of n npm components with versions, licences and hashes (distinct bytes each call). */
export function cycloneDxSbom(n: number, application = 'bench-app'): Buffer {
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
      specVersion: '1.5',
      version: 1,
      metadata: { timestamp: new Date().toISOString(), component: { type: 'application', name: application, version: '1.0.0' } },
      components,
    }),
  );
}
