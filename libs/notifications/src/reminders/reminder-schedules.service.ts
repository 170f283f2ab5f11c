import type { AssessmentEventData } from '@assay/shared/contracts';
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

  /** The assessment came back (submitted, completed, cancelled): no reminder goes out from now on. */
  close(tenantId: string, data: AssessmentEventData, eventAt: string): Promise<void> {
    return this.database.run((manager) => this.schedules.close(manager, tenantId, data, eventAt), tenantId);
  }
}
