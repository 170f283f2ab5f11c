import { clock } from '@assay/shared/clock';
import { ConflictProblem } from '@assay/shared/http';

export const ASSESSMENT_STATUSES = ['draft', 'sent', 'in_progress', 'submitted', 'in_review', 'returned', 'completed', 'cancelled'] as const;
export type AssessmentStatus = (typeof ASSESSMENT_STATUSES)[number];

/**
 * The assessment lifecycle. `returned` goes back to the supplier, who resubmits; `completed` and
 * `cancelled` are final. Anything not listed here is refused with a 409.
 */
const TRANSITIONS: Readonly<Record<AssessmentStatus, readonly AssessmentStatus[]>> = {
  draft: ['sent', 'cancelled'],
  sent: ['in_progress', 'cancelled'],
  in_progress: ['submitted', 'cancelled'],
  submitted: ['in_review', 'returned', 'completed', 'cancelled'],
  in_review: ['returned', 'completed', 'cancelled'],
  returned: ['submitted', 'cancelled'],
  completed: [],
  cancelled: [],
};

/** Statuses in which the supplier may still change answers through the portal. */
export const ANSWERABLE_STATUSES: readonly AssessmentStatus[] = ['sent', 'in_progress', 'returned'];
/** Statuses that end an assessment (and its portal links). */
export const CLOSED_STATUSES: readonly AssessmentStatus[] = ['completed', 'cancelled'];

export function canTransition(from: AssessmentStatus, to: AssessmentStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export function assertTransition(from: AssessmentStatus, to: AssessmentStatus): void {
  if (!canTransition(from, to)) throw new ConflictProblem(`An assessment that is ${from} cannot become ${to}`);
}

/** Overdue is derived, never stored: past its due date while still waiting for the supplier. */
export function isOverdue(status: AssessmentStatus, dueAt: Date, now: Date = clock.now()): boolean {
  return ANSWERABLE_STATUSES.includes(status) && dueAt.getTime() < now.getTime();
}
