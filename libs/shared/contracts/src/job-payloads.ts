import type { DomainEvent } from './domain-event';
import { JobName } from './queue-names.constant';

/** Every job payload carries the tenant it acts for. */
export interface TenantJobPayload {
  tenantId: string;
}

export interface EventDispatchPayload extends TenantJobPayload {
  event: DomainEvent;
}

export interface EventDeliverPayload extends TenantJobPayload {
  listener: string;
  event: DomainEvent;
}

export interface JobPayloads {
  [JobName.EventDispatch]: EventDispatchPayload;
  [JobName.EventDeliver]: EventDeliverPayload;
}

export type JobPayload<TName extends JobName> = JobPayloads[TName];
