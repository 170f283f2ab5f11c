import { clock } from '@assay/shared/clock';
import { TenantIdentity } from '@assay/shared/contracts';
import { ProblemException } from '@assay/shared/http';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { audit, emit } from '../assessments-writes';
import { PortalTokensRepository } from '../portal/portal-tokens.repository';
import { linkValidUntil } from '../portal/portal-tokens.service';
import { AssessmentReadModel } from './assessment-read-model';
import { CLOSED_STATUSES } from './assessment-status';
import { recipientOf } from './assessment-views';
import { AssessmentRow, AssessmentsRepository } from './assessments.repository';

/** A due date is at most two years ahead (leap years included). */
export const MAX_DUE_MS = 2 * 366 * 86_400_000;

/** A due date in the future and at most two years ahead, or a 400 naming `field`. */
export function checkedDueAt(value: string, field = 'dueAt'): Date {
  const dueAt = new Date(value);
  const now = clock.nowMs();
  if (Number.isNaN(dueAt.getTime()) || dueAt.getTime() <= now || dueAt.getTime() > now + MAX_DUE_MS) {
    throw new ProblemException(400, `${field} must be a future date at most two years ahead`, { errors: [{ field, message: 'out of range' }] });
  }
  return dueAt;
}

/**
 * Moving an assessment's due date, inside the caller's transaction (a move by hand, a return with a new
 * date, an approved extension): the new date, every live portal link of the assessment valid until at
 * least the new date + 30 days, an audit entry and `assessment.due_date_changed` (which re-plans the
 * reminders and emails the supplier's recipients). Runs no SQL of its own and holds no use case.
 */
@Injectable()
export class AssessmentDueDates {
  constructor(
    private readonly assessments: AssessmentsRepository,
    private readonly tokens: PortalTokensRepository,
    private readonly reads: AssessmentReadModel,
  ) {}

  /** The assessment is still open (not completed or cancelled), or a 409. */
  assertMovable(row: AssessmentRow): void {
    if (CLOSED_STATUSES.includes(row.status)) {
      throw new ProblemException(409, `The due date of a ${row.status} assessment cannot move`, {
        errors: [{ field: 'dueAt', message: `assessment is ${row.status}` }],
      });
    }
  }

  /** `emailSupplier: false` when another email of the same change already tells them (a return with a new date). */
  async move(m: EntityManager, identity: TenantIdentity, row: AssessmentRow, dueAt: Date, reason: string | null, emailSupplier = true): Promise<AssessmentRow> {
    this.assertMovable(row);
    if (dueAt.getTime() === row.due_at.getTime()) return row;
    const tenantId = identity.tenantId;
    const moved = await this.assessments.moveDueAt(m, row, dueAt);
    await this.tokens.extendUntil(m, tenantId, row.id, linkValidUntil(dueAt));
    await audit(m, tenantId, {
      action: 'assessment.due_date_changed',
      targetType: 'assessment',
      targetId: row.id,
      changes: { dueAt: { from: row.due_at.toISOString(), to: dueAt.toISOString() }, ...(reason ? { reason } : {}) },
    });
    const recipients = row.status === 'draft' || !emailSupplier ? [] : (await this.reads.contacts(m, moved)).map((contact) => recipientOf(contact));
    await emit(m, tenantId, 'assessment.due_date_changed', {
      ...(await this.reads.eventData(m, moved, { recipients })),
      previousDueAt: row.due_at.toISOString(),
      reason,
    });
    return moved;
  }
}
