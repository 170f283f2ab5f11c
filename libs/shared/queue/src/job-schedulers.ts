import { JOB_QUEUE, JobName, JobPayload } from '@assay/shared/contracts';
import { Injectable } from '@nestjs/common';
import { QueueRegistry } from './queue.registry';

/**
 * Recurring work through BullMQ Job Schedulers: one scheduler per id however many processes upsert
 * it, so every replica may declare the same ticks at boot.
 */
@Injectable()
export class JobSchedulers {
  constructor(private readonly registry: QueueRegistry) {}

  async every<TName extends JobName>(schedulerId: string, everyMs: number, name: TName, payload: JobPayload<TName>): Promise<void> {
    await this.registry.queue(JOB_QUEUE[name]).upsertJobScheduler(schedulerId, { every: everyMs }, { name, data: payload, opts: { attempts: 1 } });
  }

  async remove(name: JobName, schedulerId: string): Promise<void> {
    await this.registry.queue(JOB_QUEUE[name]).removeJobScheduler(schedulerId);
  }
}
