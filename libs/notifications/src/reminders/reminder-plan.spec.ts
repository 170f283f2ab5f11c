import { DEFAULT_REMINDER_POLICY, ReminderPolicy } from '@assay/shared/contracts';
import { planReminders, reminderSteps } from './reminder-plan';

const DAY = 86_400_000;
const policy: ReminderPolicy = { ...DEFAULT_REMINDER_POLICY, beforeDueDays: [14, 7, 1] };
const due = new Date('2026-03-31T12:00:00Z');
const days = (n: number) => new Date(due.getTime() + n * DAY);
const state = (openedDaysBeforeDue: number, sent: string[] = [], sro = true) => ({
  dueAt: due,
  openedAt: days(-openedDaysBeforeDue),
  hasSeniorResponsibleOwner: sro,
  sentSteps: new Set(sent),
});
const keys = (steps: { key: string }[]) => steps.map((step) => step.key);

describe('reminderSteps', () => {
  it('lays out the default policy: 14, 7, 1 days before, the due day, 4 weekly overdue reminders, escalations at 7 and 14 days', () => {
    const steps = reminderSteps(policy, due);
    expect(steps.map((step) => [step.key, (step.at.getTime() - due.getTime()) / DAY])).toEqual([
      ['before_14', -14],
      ['before_7', -7],
      ['before_1', -1],
      ['due', 0],
      ['overdue_1', 7],
      ['escalation_sro', 7],
      ['overdue_2', 14],
      ['escalation_owner', 14],
      ['overdue_3', 21],
      ['overdue_4', 28],
    ]);
  });

  it('follows a tenant policy', () => {
    const custom = {
      beforeDueDays: [3, 3, 10],
      onDueDay: false,
      overdueEveryDays: 2,
      overdueMaxReminders: 1,
      escalateToSroAfterDays: 1,
      escalateToOwnerAfterDays: 30,
    };
    expect(keys(reminderSteps(custom, due))).toEqual(['before_10', 'before_3', 'escalation_sro', 'overdue_1', 'escalation_owner']);
  });
});

describe('planReminders', () => {
  it('sends nothing before the first step and says when it falls due', () => {
    const plan = planReminders(policy, state(30), days(-20));
    expect(plan.send).toEqual([]);
    expect(plan.nextAt).toEqual(days(-14));
  });

  it('sends the step that is due, then waits for the next', () => {
    const plan = planReminders(policy, state(30), days(-13.5));
    expect(keys(plan.send)).toEqual(['before_14']);
    expect(plan.nextAt).toEqual(days(-7));
    expect(planReminders(policy, state(30, ['before_14']), days(-13)).send).toEqual([]);
  });

  it('after downtime sends only the latest missed step, never a burst', () => {
    const plan = planReminders(policy, state(30), days(-2));
    expect(keys(plan.send)).toEqual(['before_7']);
    expect(keys(plan.skipped)).toEqual(['before_14']);
    expect(plan.nextAt).toEqual(days(-1));
  });

  it('never sends a step older than one already sent', () => {
    const plan = planReminders(policy, state(30, ['before_1']), days(0.5));
    expect(keys(plan.send)).toEqual(['due']);
    expect(planReminders(policy, state(30, ['due']), days(1)).send).toEqual([]);
  });

  it('skips steps that fell before the assessment was sent: the invitation covered them', () => {
    const plan = planReminders(policy, state(3), days(-2));
    expect(plan.send).toEqual([]);
    expect(plan.nextAt).toEqual(days(-1));
  });

  it('escalates to the SRO and the internal owner at their overdue ages, once each', () => {
    const sentBefore = ['before_14', 'before_7', 'before_1', 'due'];
    expect(keys(planReminders(policy, state(30, sentBefore), days(7)).send)).toEqual(['overdue_1', 'escalation_sro']);
    const later = planReminders(policy, state(30, [...sentBefore, 'overdue_1', 'escalation_sro']), days(14.1));
    expect(keys(later.send)).toEqual(['overdue_2', 'escalation_owner']);
    expect(later.nextAt).toEqual(days(21));
  });

  it('has no SRO escalation when the supplier has no SRO', () => {
    expect(keys(planReminders(policy, state(30, ['due'], false), days(8)).send)).toEqual(['overdue_1']);
  });

  it('is exhausted after the last overdue reminder', () => {
    const all = keys(reminderSteps(policy, due));
    const plan = planReminders(policy, state(30, all), days(100));
    expect(plan.send).toEqual([]);
    expect(plan.nextAt).toBeNull();
  });

  it('after a long outage sends one message per track', () => {
    const plan = planReminders(policy, state(60), days(40));
    expect(keys(plan.send)).toEqual(['overdue_4', 'escalation_sro', 'escalation_owner']);
    expect(plan.nextAt).toBeNull();
  });
});
