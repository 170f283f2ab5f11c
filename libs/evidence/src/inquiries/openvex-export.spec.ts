import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { fullFormats } from 'ajv-formats/dist/formats';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AnsweredInquiry } from './inquiries.repository';
import { openVexOf } from './openvex-export';

/** The OpenVEX JSON Schema as published (see the MANIFEST beside it). */
const schema = JSON.parse(readFileSync(join(__dirname, '__fixtures__', 'openvex_json_schema.json'), 'utf8'));
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
// The schema's `@id`s are IRIs; ours are ASCII, so the stricter URI check holds them to it.
ajv.addFormat('iri', fullFormats.uri);
const validate = ajv.compile(schema);

const LOG4J = 'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1';
const answered = (overrides: Partial<AnsweredInquiry>): AnsweredInquiry => ({
  id: '018f0000-0000-7000-8000-000000000001',
  supplierId: '018f0000-0000-7000-8000-0000000000a1',
  supplierName: 'Exposed Ltd',
  answer: { status: 'under_investigation' },
  answeredAt: new Date('2026-12-01T10:00:00.000Z'),
  revision: 1,
  components: [{ purl: LOG4J, productId: null }],
  ...overrides,
});

describe('the OpenVEX export of inquiry answers', () => {
  it('is valid by the OpenVEX JSON Schema for every status OpenVEX has, with what each requires', () => {
    const document = openVexOf(
      'https://assay.example/api/v1/advisories/x/vex',
      ['GHSA-jfh8-c2jp-5v3q', 'CVE-2021-44228'],
      [
        answered({ answer: { status: 'not_affected', justification: 'vulnerable_code_not_in_execute_path', impactStatement: 'Lookups are disabled' } }),
        answered({ id: '018f0000-0000-7000-8000-000000000002', answer: { status: 'affected', actionStatement: 'Upgrade to 3.1.1' }, revision: 2 }),
        answered({
          id: '018f0000-0000-7000-8000-000000000003',
          answer: { status: 'fixed', fixedIn: '3.1.1' },
          components: [
            { purl: LOG4J, productId: '018f0000-0000-7000-8000-0000000000b1' },
            { purl: 'pkg:maven/org.apache.logging.log4j/log4j-core@2.13.0', productId: '018f0000-0000-7000-8000-0000000000b2' },
          ],
        }),
        answered({ id: '018f0000-0000-7000-8000-000000000004', answer: { status: 'under_investigation' }, components: [] }),
      ],
    );
    expect({ valid: validate(document), errors: validate.errors ?? null }).toEqual({ valid: true, errors: null });
    expect(document.version).toBe(5);
    expect(document.timestamp).toBe('2026-12-01T10:00:00.000Z');
    expect(document.statements[0]).toMatchObject({
      vulnerability: { name: 'CVE-2021-44228', aliases: ['GHSA-jfh8-c2jp-5v3q'] },
      products: [{ '@id': 'urn:uuid:018f0000-0000-7000-8000-0000000000a1', subcomponents: [{ '@id': LOG4J }] }],
      justification: 'vulnerable_code_not_in_execute_path',
      impact_statement: 'Lookups are disabled',
    });
    expect(document.statements[2]).toMatchObject({ status: 'fixed', status_notes: 'Fixed in 3.1.1' });
    expect(document.statements[2]?.products).toHaveLength(2);
  });

  it('an advisory without a CVE is named by its first id', () => {
    const document = openVexOf('https://assay.example/vex', ['GHSA-aaaa-bbbb-cccc'], [answered({})]);
    expect(document.statements[0]?.vulnerability).toEqual({ name: 'GHSA-aaaa-bbbb-cccc' });
    expect(validate(document)).toBe(true);
  });

  it('the schema is strict: a statement it refuses is refused (a not_affected without a reason, an affected without an action)', () => {
    const bad = openVexOf('https://assay.example/vex', ['CVE-2021-44228'], [answered({ answer: { status: 'not_affected' } })]);
    expect(validate(bad)).toBe(false);
    const noAction = openVexOf('https://assay.example/vex', ['CVE-2021-44228'], [answered({ answer: { status: 'affected' } })]);
    expect(validate(noAction)).toBe(false);
  });
});
