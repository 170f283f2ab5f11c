import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseUntrustedJson } from '../parsing/untrusted-json';
import { vexStatements } from './vex-statements';

describe('VEX statements for matching', () => {
  it('OpenVEX: vulnerability name and aliases, product purls (subcomponents first), status and the statement as written', () => {
    const document = {
      '@context': 'https://openvex.dev/ns/v0.2.0',
      statements: [
        {
          vulnerability: { name: 'CVE-2021-44228', aliases: ['GHSA-jfh8-c2jp-5v3q'] },
          products: [{ '@id': 'pkg:oci/widget@sha256:abc', subcomponents: [{ '@id': 'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1' }] }],
          status: 'not_affected',
          justification: 'vulnerable_code_not_in_execute_path',
          impact_statement: 'JNDI lookups are disabled',
        },
        { vulnerability: 'CVE-2020-1', products: ['pkg:npm/lodash'], status: 'fixed' },
        { vulnerability: 'CVE-2020-2', products: ['not a purl'], status: 'affected' },
        { vulnerability: 'CVE-2020-3', products: ['pkg:npm/a'], status: 'nonsense' },
      ],
    };
    expect(vexStatements(document)).toEqual([
      {
        vulnerabilities: ['CVE-2021-44228', 'GHSA-JFH8-C2JP-5V3Q'],
        purl: 'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1',
        purlBase: 'pkg:maven/org.apache.logging.log4j/log4j-core',
        status: 'not_affected',
        statement: { status: 'not_affected', justification: 'vulnerable_code_not_in_execute_path', impact_statement: 'JNDI lookups are disabled' },
      },
      { vulnerabilities: ['CVE-2020-1'], purl: 'pkg:npm/lodash', purlBase: 'pkg:npm/lodash', status: 'fixed', statement: { status: 'fixed' } },
    ]);
  });

  it('CycloneDX VEX: analysis states mapped, affects resolved through bom-refs; the real example names a product without a purl', () => {
    const real = parseUntrustedJson(readFileSync(join(__dirname, '../parsing/__fixtures__/real/cdx-examples-vex-case-1.json')));
    expect(vexStatements(real)).toEqual([]);
    const withPurl = { ...real, metadata: { component: { 'bom-ref': 'acme-product', name: 'Acme', purl: 'pkg:maven/com.acme/product@2.4.0' } } };
    expect(vexStatements(withPurl)).toEqual([
      expect.objectContaining({
        vulnerabilities: ['CVE-2020-25649'],
        purl: 'pkg:maven/com.acme/product@2.4.0',
        status: 'not_affected',
        statement: expect.objectContaining({ justification: 'code_not_reachable' }),
      }),
    ]);
  });
});
