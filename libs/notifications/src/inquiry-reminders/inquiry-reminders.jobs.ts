import { JobName, SystemTickPayload, TenantJobPayload, type DomainEvent } from '@assay/shared/contracts';
import { OnEvent, OnJob, OnTick } from '@assay/shared/queue';
import { Injectable } from '@nestjs/common';
import { InquiryRemindersService } from './inquiry-reminders.service';

/** Inquiry reminders: kept from inquiry events; the tick fans out one dispatch per tenant with a reminder due. */
@Injectable()
export class InquiryRemindersJobs {
  constructor(private readonly reminders: InquiryRemindersService) {}

  @OnEvent({ types: ['inquiry.links_issued', 'inquiry.answered'], name: 'notifications.inquiry-reminders' })
  async onInquiryEvent(event: DomainEvent<'inquiry.links_issued' | 'inquiry.answered'>): Promise<void> {
    const recipients = event.type === 'inquiry.links_issued' ? event.data.recipients : null;
    await this.reminders.record(event.tenantId, event.data, recipients, event.timestamp);
  }

  @OnTick(JobName.InquiryRemindersTick)
  tick(_payload: SystemTickPayload): Promise<{ tenants: number }> {
    return this.reminders.fanOut();
  }

  @OnJob(JobName.InquiryRemindersDispatch)
  dispatch(payload: TenantJobPayload): Promise<{ inquiries: number; emails: number }> {
    return this.reminders.dispatch(payload.tenantId);
  }
}
