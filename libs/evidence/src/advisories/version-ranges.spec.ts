import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseUntrustedJson } from '../parsing/untrusted-json';
import { parseAdvisoryDocument } from './advisory-documents';
import { comparatorFor, inVersRange, versionStatus } from './version-ranges';

const LOG4J_RANGES = [
  { ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '2.13.0' }, { fixed: '2.15.0' }] }], versions: [] },
  { ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.3.1' }] }], versions: [] },
  { ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '2.4' }, { fixed: '2.12.2' }] }], versions: [] },
];

/** The status over all of an advisory's entries for the package, as matching combines them. */
function log4j(version: string): string | null {
  const verdicts = LOG4J_RANGES.map((item) => versionStatus('maven', item, version).status);
  return verdicts.includes('affected') ? 'affected' : verdicts.includes('fixed') ? 'fixed' : null;
}

describe('version semantics per ecosystem', () => {
  it('Log4Shell ranges of the real OSV record, with Maven ordering', () => {
    expect(log4j('2.14.1')).toBe('affected');
    expect(log4j('2.0-beta9')).toBe('affected');
    expect(log4j('2.12.1')).toBe('affected');
    expect(log4j('2.12.2')).toBe('fixed');
    expect(log4j('2.15.0')).toBe('fixed');
    expect(log4j('2.17.1')).toBe('fixed');
    expect(log4j('2.3.1')).toBe('fixed');
  });

  const cases: [string, string, string, number][] = [
    ['maven', '1.0-alpha-1', '1.0', -1],
    ['maven', '1.0-rc1', '1.0-beta2', 1],
    ['maven', '1.0', '1.0.0-ga', 0],
    ['maven', '1.0-sp1', '1.0', 1],
    ['maven', '1.0.1', '1.0-sp1', 1],
    ['maven', '2.0-SNAPSHOT', '2.0', -1],
    ['npm', '1.2.3-beta.1', '1.2.3', -1],
    ['npm', '10.0.0', '9.9.9', 1],
    ['golang', 'v1.9.0', 'v1.10.0', -1],
    ['pypi', '1.0rc1', '1.0', -1],
    ['pypi', '1.0.post1', '1.0', 1],
    ['pypi', '2!1.0', '3.0', 1],
    ['gem', '1.0.0.pre', '1.0.0', -1],
    ['gem', '1.10', '1.9', 1],
    ['deb', '1.0~rc1-1', '1.0-1', -1],
    ['deb', '1:0.9', '2.0', 1],
    ['deb', '2.7.4-0ubuntu1.6', '2.7.4-0ubuntu1.10', -1],
    ['rpm', '1.0~rc1', '1.0', -1],
    ['rpm', '1.0a', '1.0', 1],
    ['rpm', '1.0.10', '1.0.9', 1],
    ['rpm', '1:1.0', '2.0', 1],
  ];
  it.each(cases)('%s: %s vs %s', (type, a, b, expected) => {
    const compare = comparatorFor(type);
    expect(Math.sign(compare?.(a, b) ?? Number.NaN)).toBe(expected);
    expect(Math.sign(compare?.(b, a) ?? Number.NaN)).toBe(expected === 0 ? 0 : -expected);
  });

  it('an unreadable version or an unknown ecosystem gives no verdict, with the reason', () => {
    expect(versionStatus('pypi', { ranges: [], versions: ['1.0'] }, 'not a version!')).toEqual({
      status: null,
      reason: 'not a version! is not a valid pypi version',
    });
    expect(versionStatus('swift', { ranges: [], versions: [] }, '1.0')).toEqual({ status: null, reason: 'versions of swift packages are not compared' });
    expect(versionStatus('npm', { ranges: [], versions: [] }, null)).toEqual({ status: null, reason: 'the component has no version' });
  });

  it('listed versions and a CSAF status; last_affected bounds', () => {
    expect(versionStatus('npm', { ranges: [], versions: ['4.17.20'], status: 'not_affected' }, '4.17.20')).toEqual({ status: 'not_affected' });
    const lastAffected = { ranges: [{ type: 'SEMVER', events: [{ introduced: '1.0.0' }, { last_affected: '1.4.2' }] }], versions: [] };
    expect(versionStatus('npm', lastAffected, '1.4.2').status).toBe('affected');
    expect(versionStatus('npm', lastAffected, '1.4.3').status).toBe('fixed');
    expect(versionStatus('npm', lastAffected, '0.9.0').status).toBeNull();
  });
});

describe('vers: ranges (purl version range specification)', () => {
  const inRange = (vers: string, version: string) => {
    const verdict = inVersRange(vers, version);
    return 'reason' in verdict ? verdict.reason : verdict.inRange;
  };

  it("the range of Apache Commons Text's real CycloneDX VEX (vers:maven/>=1.5|<2), with Maven ordering", () => {
    expect(inRange('vers:maven/>=1.5|<2', '1.4')).toBe(false);
    expect(inRange('vers:maven/>=1.5|<2', '1.5')).toBe(true);
    expect(inRange('vers:maven/>=1.5|<2', '1.14.0')).toBe(true);
    expect(inRange('vers:maven/>=1.5|<2', '2.0-beta1')).toBe(true);
    expect(inRange('vers:maven/>=1.5|<2', '2.0')).toBe(false);
  });

  it('every comparator, several intervals, exclusions, the intdot and all schemes; unreadable ranges and versions say why', () => {
    const twoIntervals = 'vers:npm/>=1.0.0|<1.2.3|>=2.0.0|<2.1.0';
    expect([['0.9.0'], ['1.0.0'], ['1.2.3'], ['2.0.5'], ['2.1.0']].map(([v]) => inRange(twoIntervals, v as string))).toEqual([false, true, false, true, false]);
    expect(inRange('vers:npm/<1.0.0|>=3.0.0', '0.5.0')).toBe(true);
    expect(inRange('vers:npm/<1.0.0|>=3.0.0', '2.0.0')).toBe(false);
    expect(inRange('vers:npm/<1.0.0|>=3.0.0', '4.0.0')).toBe(true);
    expect(inRange('vers:npm/1.0.0|2.0.0', '2.0.0')).toBe(true);
    expect(inRange('vers:npm/>=1.0.0|!=1.1.0', '1.1.0')).toBe(false);
    expect(inRange('vers:npm/!=1.1.0', '1.2.0')).toBe(true);
    expect(inRange('vers:npm/>=1.0.0%2Bbuild', '1.0.1')).toBe(true);
    expect(inRange('vers:intdot/>=1.4.1074|<=1.4.1116', '1.4.1100')).toBe(true);
    expect(inRange('vers:intdot/>=1.4.1074|<=1.4.1116', '1.4.999')).toBe(false);
    expect(inRange('vers:all/*', 'anything')).toBe(true);
    expect(inRange('vers:pypi/>=2.0rc1|<2.1', '2.0')).toBe(true);
    expect(inRange('vers:deb/>=1:1.2-3|<1:1.3', '1:1.2-10')).toBe(true);
    expect(inRange('npm/>=1', '1.0.0')).toMatch(/is not a vers range/);
    expect(inRange('vers:someweirdscheme/<4.2.0', '1.0')).toMatch(/vers scheme someweirdscheme are not compared/);
    expect(inRange('vers:maven/>=not-a-version', '1.0')).toMatch(/is not a valid maven version/);
    expect(inRange(`vers:npm/${Array.from({ length: 101 }, (_, i) => `!=${i}.0.0`).join('|')}`, '1.0.0')).toMatch(/no readable constraints/);
  });

  it('a real CSAF document whose product sits on a product_version_range branch: the range carries the document’s status', () => {
    // The OASIS CSAF VEX example (Log4Shell, known_not_affected), its product version branch turned into
    // a version range of log4j-core named by purl, as CSAF 2.0 producers write ranges.
    const document = parseUntrustedJson(readFileSync(join(__dirname, '../parsing/__fixtures__/real/csaf-2.0-2022-evd-uc-01-na-001.json')));
    const tree = JSON.parse(JSON.stringify(document['product_tree']));
    const branch = tree.branches[0].branches[0].branches[0];
    branch.category = 'product_version_range';
    branch.name = 'vers:maven/>=2.0-beta9|<2.15.0';
    branch.product.product_identification_helper = { purl: 'pkg:maven/org.apache.logging.log4j/log4j-core' };
    const [advisory] = parseAdvisoryDocument({ ...document, product_tree: tree }).advisories;
    expect(advisory?.affected).toEqual([
      {
        purl: 'pkg:maven/org.apache.logging.log4j/log4j-core',
        ecosystem: null,
        name: null,
        ranges: [{ type: 'VERS', vers: 'vers:maven/>=2.0-beta9|<2.15.0' }],
        versions: [],
        status: 'not_affected',
      },
    ]);
    const entry = advisory?.affected[0] as Parameters<typeof versionStatus>[1];
    expect(versionStatus('maven', entry, '2.14.1')).toEqual({ status: 'not_affected' });
    expect(versionStatus('maven', entry, '2.17.1')).toEqual({ status: null });
    expect(versionStatus('maven', { ...entry, ranges: [{ type: 'VERS', vers: 'vers:maven/>=nonsense' }] }, '2.14.1')).toEqual({
      status: null,
      reason: 'nonsense is not a valid maven version',
    });
  });
});
