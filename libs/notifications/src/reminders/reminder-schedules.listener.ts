import type { DomainEvent } from '@assay/shared/contracts';
import { TenantDatabase } from '@assay/shared/database';
import { OnEvent } from '@assay/shared/queue';
import { Injectable } from '@nestjs/common';
import { eventData } from '../events/event-validation';
import { ReminderSchedulesRepository } from './reminder-schedules.repository';

const OPENING = new Set(['assessment.sent', 'assessment.returned']);

/** Starts reminders when an assessment goes to the supplier (or back to them), stops them when it comes back. */
@Injectable()
export class ReminderSchedulesListener {
  constructor(
    private readonly database: TenantDatabase,
    private readonly schedules: ReminderSchedulesRepository,
  ) {}

  @OnEvent({
    types: ['assessment.sent', 'assessment.returned', 'assessment.submitted', 'assessment.completed', 'assessment.cancelled'],
    name: 'notifications.reminder-schedules',
  })
  async onAssessmentEvent(event: DomainEvent): Promise<void> {
    const data = eventData(event, 'assessment');
    await this.database.run(
      (manager) =>
        OPENING.has(event.type)
          ? this.schedules.open(manager, event.tenantId, data, event.timestamp)
          : this.schedules.close(manager, event.tenantId, data, event.timestamp),
      event.tenantId,
    );
  }
}
