import { comparatorFor, versionStatus } from './version-ranges';

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
