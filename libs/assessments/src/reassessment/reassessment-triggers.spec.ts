import { DEFAULT_REASSESSMENT_TRIGGERS } from '@assay/shared/contracts';
import { triggerApplies } from './reassessment.service';

const now = Date.parse('2026-06-01T00:00:00.000Z');
const supplierId = '0190a3f0-0000-7000-8000-000000000002';

describe('triggerApplies', () => {
  it('opens nothing while every trigger is off (the default)', () => {
    for (const reason of ['trigger:evidence_expired', 'trigger:evidence_failed', 'trigger:finding_overdue', 'trigger:end_of_support'] as const) {
      expect(triggerApplies(DEFAULT_REASSESSMENT_TRIGGERS, { reason, supplierId, endOfSupportAt: '2026-06-02T00:00:00.000Z' }, now)).toBe(false);
    }
  });

  it('follows each switch, and the end-of-support window in days', () => {
    const on = { evidenceExpired: true, evidenceFailed: true, endOfSupportWithinDays: 30, findingOverdue: true };
    expect(triggerApplies(on, { reason: 'trigger:evidence_failed', supplierId }, now)).toBe(true);
    expect(triggerApplies({ ...on, evidenceFailed: false }, { reason: 'trigger:evidence_failed', supplierId }, now)).toBe(false);
    expect(triggerApplies(on, { reason: 'trigger:end_of_support', supplierId, endOfSupportAt: '2026-07-01T00:00:00.000Z' }, now)).toBe(true);
    expect(triggerApplies(on, { reason: 'trigger:end_of_support', supplierId, endOfSupportAt: '2026-07-01T00:00:00.001Z' }, now)).toBe(false);
    expect(triggerApplies(on, { reason: 'trigger:end_of_support', supplierId }, now)).toBe(false);
  });
});
