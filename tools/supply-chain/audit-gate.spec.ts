import { AuditException, AuditReport, evaluateAudit } from './audit-gate';

const NOW = new Date('2026-11-25T00:00:00Z');
const exception = (id: string, expires = '2027-01-01'): AuditException => ({ id, reason: 'reviewed: not reachable from our code', owner: 'platform', expires });

const report: AuditReport = {
  vulnerabilities: {
    'left-pad': {
      severity: 'critical',
      via: [{ name: 'left-pad', severity: 'critical', title: 'Prototype pollution', url: 'https://github.com/advisories/GHSA-aaaa-bbbb-cccc' }],
    },
    'uses-left-pad': { severity: 'critical', via: ['left-pad'] },
    chalk: { severity: 'moderate', via: [{ name: 'chalk', severity: 'moderate', title: 'ReDoS', url: 'https://github.com/advisories/GHSA-dddd-eeee-ffff' }] },
  },
};

describe('supply-chain audit gate', () => {
  it('fails on a high or critical advisory without an exception, once per advisory, ignoring moderate ones', () => {
    const verdict = evaluateAudit(report, [], NOW);
    expect(verdict.failures).toEqual(['critical GHSA-aaaa-bbbb-cccc in left-pad: Prototype pollution']);
  });

  it('passes when a written exception names the advisory or the package, and says so', () => {
    for (const id of ['GHSA-aaaa-bbbb-cccc', 'left-pad']) {
      const verdict = evaluateAudit(report, [exception(id)], NOW);
      expect(verdict.failures).toEqual([]);
      expect(verdict.notes.join('\n')).toContain('excused until 2027-01-01: critical GHSA-aaaa-bbbb-cccc');
    }
  });

  it('ignores a lapsed exception', () => {
    const verdict = evaluateAudit(report, [exception('left-pad', '2026-11-01')], NOW);
    expect(verdict.failures).toHaveLength(1);
    expect(verdict.notes[0]).toContain('lapsed on 2026-11-01');
  });

  it('fails when the advisory service cannot be reached unless an exception covers exactly that', () => {
    const unreachable: AuditReport = { message: '405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk' };
    expect(evaluateAudit(unreachable, [exception('left-pad')], NOW).failures[0]).toContain('could not fetch advisories (405 Method Not Allowed');
    const excused = evaluateAudit(unreachable, [exception('audit-service-unavailable')], NOW);
    expect(excused.failures).toEqual([]);
    expect(excused.notes[0]).toMatch(/^NOT RUN/);
    expect(evaluateAudit(unreachable, [exception('audit-service-unavailable', '2026-11-24')], NOW).failures).toHaveLength(1);
  });

  it('refuses an exception without a reason, owner or expiry', () => {
    expect(() => evaluateAudit(report, [{ ...exception('left-pad'), reason: ' ' }], NOW)).toThrow('needs an id, a reason, an owner and an expiry date');
  });
});
