import type { AppConfig } from '@assay/shared/config';
import { EventType, JobName } from '@assay/shared/contracts';
import { SetMetadata, applyDecorators } from '@nestjs/common';

export const JOB_HANDLER_METADATA = 'assay:job-handler';

/** Marks a provider method as the one handler of a job name (checked at boot). */
export const OnJob = (name: JobName): MethodDecorator => SetMetadata(JOB_HANDLER_METADATA, name);

export const TICK_METADATA = 'assay:tick';

export interface TickSpec {
  job: JobName;
  /** How often it runs; by default every SCHEDULER_TICK_MS. */
  intervalMs: (config: AppConfig) => number;
}

/**
 * Marks a provider method as the handler of a recurring, tenantless tick: one declaration both
 * registers the handler and schedules the tick (a BullMQ Job Scheduler, declared at boot by every
 * process that consumes the tick's queue; one scheduler per tick however many declare it). A tick
 * only finds the tenants with work due and fans out one job each.
 */
export const OnTick = (job: JobName, intervalMs: TickSpec['intervalMs'] = (config) => config.schedulerTickMs): MethodDecorator =>
  applyDecorators(SetMetadata(JOB_HANDLER_METADATA, job), SetMetadata(TICK_METADATA, { job, intervalMs } satisfies TickSpec));

/** The Job Scheduler id of a tick: stable across releases (`reminders.tick` → `reminders-tick`). */
export const tickSchedulerId = (job: JobName): string => job.replace(/\./g, '-');

export const EVENT_LISTENER_METADATA = 'assay:event-listener';

export interface EventListenerSpec {
  /** Event types this listener wants; '*' for every event. */
  types: (EventType | '*')[];
  /** A stable, unique name: it keys the delivery job, so it must not change between releases. */
  name: string;
}

/** Marks a provider method as a listener of domain events delivered from the bus. */
export const OnEvent = (spec: EventListenerSpec): MethodDecorator => SetMetadata(EVENT_LISTENER_METADATA, spec);
