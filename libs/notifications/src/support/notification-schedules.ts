import { APP_CONFIG, AppConfig } from '@assay/shared/config';
import { JobName } from '@assay/shared/contracts';
import { JobSchedulers } from '@assay/shared/queue';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';

/** Declares the notifications ticks (BullMQ Job Schedulers: one per id however many processes declare it). */
@Injectable()
export class NotificationSchedules implements OnApplicationBootstrap {
  private readonly logger = new Logger(NotificationSchedules.name);

  constructor(
    private readonly schedulers: JobSchedulers,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.schedulers.every('reminders-tick', this.config.schedulerTickMs, JobName.RemindersTick, { scheduler: 'reminders-tick' });
      await this.schedulers.every('notifications-sweep', this.config.schedulerTickMs, JobName.NotificationsSweep, { scheduler: 'notifications-sweep' });
    } catch (error) {
      // Redis away at boot: another replica (or this one's next start) declares them.
      this.logger.warn(`could not declare the notifications ticks: ${(error as Error).message}`);
    }
  }
}
