import { APP_CONFIG, AppConfig } from '@assay/shared/config';
import { JobName } from '@assay/shared/contracts';
import { JobSchedulers } from '@assay/shared/queue';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';

/** Declares the evidence ticks (BullMQ Job Schedulers: one per id however many processes declare it). */
@Injectable()
export class EvidenceSchedules implements OnApplicationBootstrap {
  private readonly logger = new Logger(EvidenceSchedules.name);

  constructor(
    private readonly schedulers: JobSchedulers,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.schedulers.every('evidence-sweep', this.config.schedulerTickMs, JobName.EvidenceSweep, { scheduler: 'evidence-sweep' });
      await this.schedulers.every('evidence-expiry-tick', this.config.schedulerTickMs, JobName.EvidenceExpiryTick, { scheduler: 'evidence-expiry-tick' });
    } catch (error) {
      // Redis away at boot: another replica (or this one's next start) declares them.
      this.logger.warn(`could not declare the evidence ticks: ${(error as Error).message}`);
    }
  }
}
