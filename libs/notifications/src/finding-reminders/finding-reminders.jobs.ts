import { FindingRemindersDispatchPayload, JobName, SystemTickPayload, type DomainEvent } from '@assay/shared/contracts';
import { OnEvent, OnJob, OnTick } from '@assay/shared/queue';
import { Injectable } from '@nestjs/common';
import { FindingRemindersService } from './finding-reminders.service';

type FindingEvent = DomainEvent<'finding.created' | 'finding.updated' | 'finding.overdue' | 'finding.risk_acceptance_expired'>;

/** Remediation reminders: kept from finding events; the tick fans out one dispatch per tenant with a reminder due. */
@Injectable()
export class FindingRemindersJobs {
  constructor(private readonly reminders: FindingRemindersService) {}

  @OnEvent({
    types: ['finding.created', 'finding.updated', 'finding.overdue', 'finding.risk_acceptance_expired'],
    name: 'notifications.finding-reminders',
  })
  async onFindingEvent(event: FindingEvent): Promise<void> {
    await this.reminders.record(event.tenantId, event.data, event.timestamp);
  }

  @OnTick(JobName.FindingRemindersTick)
  tick(_payload: SystemTickPayload): Promise<{ tenants: number }> {
    return this.reminders.fanOut();
  }

  @OnJob(JobName.FindingRemindersDispatch)
  dispatch(payload: FindingRemindersDispatchPayload): Promise<{ findings: number; emails: number }> {
    return this.reminders.dispatch(payload.tenantId);
  }
}
