import { TenantDatabase } from '@assay/shared/database';
import { Page, PageQueryDto } from '@assay/shared/http';
import { Injectable } from '@nestjs/common';
import { pageByTime } from '../support/paging';
import { RemindersRepository, SentReminder } from './reminders.repository';

export type { SentReminder } from './reminders.repository';

/** The reminders and escalations that went out: to whom, when, for which step. */
@Injectable()
export class RemindersService {
  constructor(
    private readonly database: TenantDatabase,
    private readonly reminders: RemindersRepository,
  ) {}

  list(tenantId: string, assessmentId: string | undefined, query: PageQueryDto): Promise<Page<SentReminder>> {
    return pageByTime(
      query,
      (reminder) => reminder.sentAt,
      (limit, after) => this.database.run((manager) => this.reminders.list(manager, tenantId, assessmentId ?? null, limit, after), tenantId),
    );
  }

  /** Reminders of several assessments at once (GraphQL `Assessment.reminders`, batched per request). */
  async forAssessments(tenantId: string, assessmentIds: readonly string[]): Promise<Map<string, SentReminder[]>> {
    const byAssessment = new Map<string, SentReminder[]>(assessmentIds.map((id) => [id, []]));
    if (assessmentIds.length === 0) return byAssessment;
    const reminders = await this.database.run((manager) => this.reminders.forAssessments(manager, tenantId, assessmentIds), tenantId);
    for (const reminder of reminders) byAssessment.get(reminder.assessmentId)?.push(reminder);
    return byAssessment;
  }
}
