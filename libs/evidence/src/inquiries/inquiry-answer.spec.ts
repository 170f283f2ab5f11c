import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cycloneDxXmlBom } from '../parsing/cyclonedx.parser';
import { parseUntrustedJson } from '../parsing/untrusted-json';
import type { VexStatement } from '../advisories/vex-statements';
import { vexStatements } from '../advisories/vex-statements';
import { answerFromVex, answerOfStatement } from './inquiry-answer';

const real = (name: string) => readFileSync(join(__dirname, '../parsing/__fixtures__/real', name));
const LOG4SHELL = ['GHSA-jfh8-c2jp-5v3q', 'CVE-2021-44228'];
const LOG4J = 'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1';

const statement = (purl: string, written: Record<string, unknown>, vulnerabilities = ['CVE-2021-44228']): VexStatement => ({
  vulnerabilities,
  purl,
  purlBase: purl.split('@')[0] as string,
  status: written['status'] as VexStatement['status'],
  statement: written,
});

describe('the inquiry answer a VEX gives', () => {
  it('Apache Commons Text’s published CycloneDX VEX (XML): exploitable becomes affected, its detail the action statement', () => {
    const statements = vexStatements(cycloneDxXmlBom(real('commons-text-vex.cdx.xml').toString('utf8')));
    // Its product is named with a qualifier and no version, so it covers that purl as written (as matching reads it).
    const product = 'pkg:maven/org.apache.commons/commons-text?type=jar';
    const read = answerFromVex(statements, ['GHSA-j288-q9x7-2f5v', 'CVE-2025-48924'], [product]);
    expect(read.problem).toBeUndefined();
    expect(read.answer).toEqual({ status: 'affected', actionStatement: expect.stringContaining('CVE-2025-48924 is exploitable in Apache Commons Text') });
    expect(answerFromVex(statements, ['CVE-2025-48924'], ['pkg:maven/org.apache.commons/commons-text@1.13.0']).problem?.message).toContain('do not cover');
    // Nothing in it about Log4Shell.
    expect(answerFromVex(statements, LOG4SHELL, [LOG4J])).toEqual({
      problem: { field: 'file', message: 'has no statement about GHSA-jfh8-c2jp-5v3q, CVE-2021-44228' },
    });
  });

  it('the CycloneDX VEX use-case example names its product by bom-ref only: no statement a component can be matched to', () => {
    const statements = vexStatements(parseUntrustedJson(real('cdx-examples-vex-case-1.json')) as Record<string, unknown>);
    expect(answerFromVex(statements, ['CVE-2020-25649'], ['pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.10.0']).problem).toEqual({
      field: 'file',
      message: 'has no statement about CVE-2020-25649',
    });
  });

  it('CycloneDX justifications in OpenVEX’s words, the detail as the impact statement', () => {
    expect(
      answerOfStatement(statement(LOG4J, { status: 'not_affected', state: 'not_affected', justification: 'code_not_reachable', detail: 'Lookups off' })),
    ).toEqual({
      status: 'not_affected',
      justification: 'vulnerable_code_not_in_execute_path',
      impactStatement: 'Lookups off',
    });
    expect(answerOfStatement(statement(LOG4J, { status: 'not_affected', state: 'false_positive', justification: 'protected_at_runtime' }))).toEqual({
      status: 'not_affected',
      justification: 'inline_mitigations_already_exist',
    });
  });

  it('ids match case aside; every exposed component must be covered, by its purl or its package without version', () => {
    const written = { status: 'fixed', action_statement: 'Upgrade to 3.1.1' };
    const byPackage = [statement('pkg:maven/org.apache.logging.log4j/log4j-core', written, ['GHSA-JFH8-C2JP-5V3Q'])];
    expect(answerFromVex(byPackage, LOG4SHELL, [LOG4J, 'pkg:maven/org.apache.logging.log4j/log4j-core@2.13.0'])).toEqual({
      answer: { status: 'fixed', actionStatement: 'Upgrade to 3.1.1' },
    });
    expect(answerFromVex([statement(LOG4J, written)], LOG4SHELL, [LOG4J, 'pkg:maven/org.apache.logging.log4j/log4j-core@2.13.0']).problem?.message).toBe(
      'has statements about GHSA-jfh8-c2jp-5v3q, CVE-2021-44228 that do not cover pkg:maven/org.apache.logging.log4j/log4j-core@2.13.0',
    );
    // A statement on another package of the document is not needed to answer.
    expect(answerFromVex([statement(LOG4J, written), statement('pkg:npm/lodash@4.17.20', { status: 'affected' })], LOG4SHELL, [LOG4J]).answer).toEqual({
      status: 'fixed',
      actionStatement: 'Upgrade to 3.1.1',
    });
  });

  it('statements that disagree, or that OpenVEX would not accept as an answer, answer nothing and say why', () => {
    const other = 'pkg:maven/org.apache.logging.log4j/log4j-core@2.13.0';
    const split = [statement(LOG4J, { status: 'not_affected', justification: 'component_not_present' }), statement(other, { status: 'under_investigation' })];
    expect(answerFromVex(split, LOG4SHELL, [LOG4J, other]).problem?.message).toBe(
      'has statements about GHSA-jfh8-c2jp-5v3q, CVE-2021-44228 that say different things (not_affected, under_investigation) about your components',
    );
    expect(answerFromVex([statement(LOG4J, { status: 'not_affected', impact_statement: 'Not reachable' })], LOG4SHELL, [LOG4J]).problem).toEqual({
      field: 'file',
      message: 'has a not_affected statement about GHSA-jfh8-c2jp-5v3q, CVE-2021-44228 whose justification is required when the status is not_affected',
    });
    expect(answerFromVex([statement(LOG4J, { status: 'affected' })], LOG4SHELL, [LOG4J]).problem?.message).toContain('whose actionStatement is required');
  });
});
