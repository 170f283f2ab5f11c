import type { AssessmentDueDateChangedEventData, AssessmentEventData } from '@assay/shared/contracts';
import { TenantDatabase } from '@assay/shared/database';
import { Injectable } from '@nestjs/common';
import { ReminderSchedulesRepository } from './reminder-schedules.repository';

/** The per-assessment state reminders are planned from, kept from the assessments service's events. */
@Injectable()
export class ReminderSchedulesService {
  constructor(
    private readonly database: TenantDatabase,
    private readonly schedules: ReminderSchedulesRepository,
  ) {}

  /** The assessment went to the supplier (or back to them): reminders (re)start at the next tick. */
  open(tenantId: string, data: AssessmentEventData, eventAt: string): Promise<void> {
    return this.database.run((manager) => this.schedules.open(manager, tenantId, data, eventAt), tenantId);
  }

  /**
   * The due date moved: an open schedule is planned again from the new date at the next tick. Steps of
   * the new date that fall before the move are covered by the email announcing it; later ones are sent
   * when due, also those sent already for the old date (see `ReminderSchedulesRepository.moveDue`).
   */
  moveDue(tenantId: string, data: AssessmentDueDateChangedEventData, eventAt: string): Promise<void> {
    return this.database.run((manager) => this.schedules.moveDue(manager, tenantId, data, eventAt), tenantId);
  }

  /** The assessment came back (submitted, completed, cancelled): no reminder goes out from now on. */
  close(tenantId: string, data: AssessmentEventData, eventAt: string): Promise<void> {
    return this.database.run((manager) => this.schedules.close(manager, tenantId, data, eventAt), tenantId);
  }
}
