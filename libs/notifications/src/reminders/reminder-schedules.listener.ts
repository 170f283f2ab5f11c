import type { DomainEvent } from '@assay/shared/contracts';
import { OnEvent } from '@assay/shared/queue';
import { Injectable } from '@nestjs/common';
import { ReminderSchedulesService } from './reminder-schedules.service';

const OPENING = new Set(['assessment.sent', 'assessment.returned']);

/** Starts reminders when an assessment goes to the supplier (or back to them), re-plans them when its due date moves, stops them when it comes back. */
@Injectable()
export class ReminderSchedulesListener {
  constructor(private readonly schedules: ReminderSchedulesService) {}

  @OnEvent({
    types: ['assessment.sent', 'assessment.returned', 'assessment.submitted', 'assessment.completed', 'assessment.cancelled', 'assessment.due_date_changed'],
    name: 'notifications.reminder-schedules',
  })
  async onAssessmentEvent(
    event: DomainEvent<
      'assessment.sent' | 'assessment.returned' | 'assessment.submitted' | 'assessment.completed' | 'assessment.cancelled' | 'assessment.due_date_changed'
    >,
  ): Promise<void> {
    if (event.type === 'assessment.due_date_changed') return this.schedules.moveDue(event.tenantId, event.data, event.timestamp);
    if (OPENING.has(event.type)) return this.schedules.open(event.tenantId, event.data, event.timestamp);
    return this.schedules.close(event.tenantId, event.data, event.timestamp);
  }
}
