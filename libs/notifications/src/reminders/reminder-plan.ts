import type { ReminderPolicy } from '@assay/shared/contracts';

export type ReminderKind = 'reminder' | 'escalation_sro' | 'escalation_owner';

/** One step of an assessment's reminder schedule, keyed so it can be sent at most once. */
export interface ReminderStep {
  /** `before_14`, `due`, `overdue_1`, `escalation_sro`, `escalation_owner`. */
  key: string;
  kind: ReminderKind;
  at: Date;
}

export interface ReminderState {
  dueAt: Date;
  /** When the assessment was sent (or returned): earlier steps were covered by that email. */
  openedAt: Date;
  hasSeniorResponsibleOwner: boolean;
  /** Keys of the steps already sent for this assessment. */
  sentSteps: ReadonlySet<string>;
}

export interface ReminderPlan {
  /** What to send now: at most one step per kind, the latest that is due. */
  send: ReminderStep[];
  /** Due steps passed over because a later step of the same kind is due too (after downtime). */
  skipped: ReminderStep[];
  /** When the next step falls due, or null when the schedule is exhausted. */
  nextAt: Date | null;
}

const DAY_MS = 86_400_000;

/** Every step the policy defines for an assessment due at `dueAt`, in time order. */
export function reminderSteps(policy: ReminderPolicy, dueAt: Date): ReminderStep[] {
  const due = dueAt.getTime();
  const at = (days: number) => new Date(due + days * DAY_MS);
  const steps: ReminderStep[] = [];
  for (const days of [...new Set(policy.beforeDueDays)].sort((a, b) => b - a)) steps.push({ key: `before_${days}`, kind: 'reminder', at: at(-days) });
  if (policy.onDueDay) steps.push({ key: 'due', kind: 'reminder', at: at(0) });
  for (let n = 1; n <= policy.overdueMaxReminders; n++) steps.push({ key: `overdue_${n}`, kind: 'reminder', at: at(n * policy.overdueEveryDays) });
  steps.push({ key: 'escalation_sro', kind: 'escalation_sro', at: at(policy.escalateToSroAfterDays) });
  steps.push({ key: 'escalation_owner', kind: 'escalation_owner', at: at(policy.escalateToOwnerAfterDays) });
  return steps.sort((a, b) => a.at.getTime() - b.at.getTime());
}

/**
 * Decides by state, not by exact date: whatever is due and not yet sent. Reminders to the supplier,
 * the escalation to their SRO and the escalation to the internal owner are three tracks; in each,
 * only the latest due step is sent, so a worker coming back after downtime sends one message per
 * track rather than every step it missed, and never a step older than one already sent.
 */
export function planReminders(policy: ReminderPolicy, state: ReminderState, now: Date): ReminderPlan {
  const steps = reminderSteps(policy, state.dueAt).filter(
    (step) => step.at.getTime() > state.openedAt.getTime() && (step.kind !== 'escalation_sro' || state.hasSeniorResponsibleOwner),
  );
  const plan: ReminderPlan = { send: [], skipped: [], nextAt: null };
  for (const kind of ['reminder', 'escalation_sro', 'escalation_owner'] as const) {
    const track = steps.filter((step) => step.kind === kind);
    let lastSent = -1;
    track.forEach((step, index) => {
      if (state.sentSteps.has(step.key)) lastSent = index;
    });
    const open = track.slice(lastSent + 1).filter((step) => !state.sentSteps.has(step.key));
    const due = open.filter((step) => step.at.getTime() <= now.getTime());
    const latest = due[due.length - 1];
    if (latest) {
      plan.send.push(latest);
      plan.skipped.push(...due.slice(0, -1));
    }
    const upcoming = open.find((step) => step.at.getTime() > now.getTime());
    if (upcoming && (!plan.nextAt || upcoming.at < plan.nextAt)) plan.nextAt = upcoming.at;
  }
  return plan;
}
