import { APP_CONFIG, AppConfig } from '@assay/shared/config';
import { JobName, RemindersDispatchPayload, SystemTickPayload } from '@assay/shared/contracts';
import { TenantDatabase } from '@assay/shared/database';
import { JobProducer, OnJob, OnTick } from '@assay/shared/queue';
import { Inject, Injectable } from '@nestjs/common';
import { ReminderDispatcher } from './reminder-dispatcher';

const BATCH = 250;
/** Batches one dispatch job runs before handing over to a fresh job, so one tenant cannot hog a worker slot. */
const BATCHES_PER_JOB = 40;
const TENANTS_PER_TICK = 5_000;

/** The reminders tick (system: finds tenants with something due) and the per-tenant dispatch. */
@Injectable()
export class ReminderJobs {
  constructor(
    private readonly database: TenantDatabase,
    private readonly dispatcher: ReminderDispatcher,
    private readonly producer: JobProducer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @OnTick(JobName.RemindersTick)
  async tick(_payload: SystemTickPayload): Promise<{ tenants: number }> {
    const tenants: { tenant_id: string }[] = await this.database.runAsSystem((manager) =>
      manager.query(`select tenant_id from notifications.reminder_schedules where open and next_reminder_at <= now() group by tenant_id limit $1`, [
        TENANTS_PER_TICK,
      ]),
    );
    const slot = Math.floor(Date.now() / this.config.schedulerTickMs);
    await this.producer.enqueueMany(
      JobName.RemindersDispatch,
      tenants.map(({ tenant_id: tenantId }) => ({ payload: { tenantId }, options: { jobId: `reminders-dispatch_${tenantId}_${slot}` } })),
    );
    return { tenants: tenants.length };
  }

  @OnJob(JobName.RemindersDispatch)
  async dispatch(payload: RemindersDispatchPayload): Promise<{ reminders: number; emails: number }> {
    const total = { reminders: 0, emails: 0 };
    for (let batch = 0; batch < BATCHES_PER_JOB; batch++) {
      const outcome = await this.dispatcher.dispatchBatch(payload.tenantId, BATCH);
      total.reminders += outcome.reminders;
      total.emails += outcome.emails;
      if (outcome.planned < BATCH) return total;
    }
    await this.producer.enqueue(JobName.RemindersDispatch, payload, { jobId: `reminders-dispatch_${payload.tenantId}_more_${Date.now()}` });
    return total;
  }
}
