import { JobName } from '@assay/shared/contracts';
import { SetMetadata } from '@nestjs/common';

export const JOB_HANDLER_METADATA = 'assay:job-handler';

/** Marks a provider method as the one handler of a job name (checked at boot). */
export const OnJob = (name: JobName): MethodDecorator => SetMetadata(JOB_HANDLER_METADATA, name);

export const EVENT_LISTENER_METADATA = 'assay:event-listener';

export interface EventListenerSpec {
  /** Event types this listener wants; '*' for every event. */
  types: string[];
  /** A stable, unique name: it keys the delivery job, so it must not change between releases. */
  name: string;
}

/** Marks a provider method as a listener of domain events delivered from the bus. */
export const OnEvent = (spec: EventListenerSpec): MethodDecorator => SetMetadata(EVENT_LISTENER_METADATA, spec);
