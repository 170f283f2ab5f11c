import { ASSESSMENT_STATUSES, AssessmentStatus, assertTransition, canTransition, isOverdue } from './assessment-status';

const LEGAL: [AssessmentStatus, AssessmentStatus][] = [
  ['draft', 'sent'],
  ['draft', 'cancelled'],
  ['sent', 'in_progress'],
  ['sent', 'cancelled'],
  ['in_progress', 'submitted'],
  ['in_progress', 'cancelled'],
  ['submitted', 'in_review'],
  ['submitted', 'returned'],
  ['submitted', 'completed'],
  ['submitted', 'cancelled'],
  ['in_review', 'returned'],
  ['in_review', 'completed'],
  ['in_review', 'cancelled'],
  ['returned', 'submitted'],
  ['returned', 'cancelled'],
];

describe('assessment lifecycle', () => {
  it('allows exactly the listed transitions and refuses every other one with a 409', () => {
    const legal = new Set(LEGAL.map(([from, to]) => `${from}>${to}`));
    for (const from of ASSESSMENT_STATUSES) {
      for (const to of ASSESSMENT_STATUSES) {
        const allowed = legal.has(`${from}>${to}`);
        expect([from, to, canTransition(from, to)]).toEqual([from, to, allowed]);
        if (allowed) expect(() => assertTransition(from, to)).not.toThrow();
        else expect(() => assertTransition(from, to)).toThrow(expect.objectContaining({ status: 409 }));
      }
    }
  });

  it('derives overdue from the due date while the supplier still has to answer', () => {
    const now = new Date('2026-03-01T12:00:00Z');
    const past = new Date('2026-03-01T11:59:59Z');
    expect(isOverdue('sent', past, now)).toBe(true);
    expect(isOverdue('in_progress', past, now)).toBe(true);
    expect(isOverdue('returned', past, now)).toBe(true);
    expect(isOverdue('sent', new Date('2026-03-02T00:00:00Z'), now)).toBe(false);
    for (const status of ['draft', 'submitted', 'in_review', 'completed', 'cancelled'] as const) expect(isOverdue(status, past, now)).toBe(false);
  });
});
