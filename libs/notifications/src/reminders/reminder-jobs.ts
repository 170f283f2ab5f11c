import { JobName, RemindersDispatchPayload, SystemTickPayload } from '@assay/shared/contracts';
import { OnJob, OnTick } from '@assay/shared/queue';
import { Injectable } from '@nestjs/common';
import { ReminderDispatcher } from './reminder-dispatcher';

/** The reminders tick (system: finds tenants with something due) and the per-tenant dispatch. */
@Injectable()
export class ReminderJobs {
  constructor(private readonly dispatcher: ReminderDispatcher) {}

  @OnTick(JobName.RemindersTick)
  tick(_payload: SystemTickPayload): Promise<{ tenants: number }> {
    return this.dispatcher.fanOut();
  }

  @OnJob(JobName.RemindersDispatch)
  dispatch(payload: RemindersDispatchPayload): Promise<{ reminders: number; emails: number }> {
    return this.dispatcher.dispatch(payload.tenantId);
  }
}
