/** Every BullMQ queue Assay uses. Processes choose which to consume with WORKER_QUEUES. */
export enum QueueName {
  Events = 'events',
  EvidenceIngestion = 'evidence-ingestion',
  Notifications = 'notifications',
  Scheduler = 'scheduler',
}

/** Every job name. Each belongs to exactly one queue and has exactly one handler. */
export enum JobName {
  /** An outbox event arrived on the bus: fan it out to one delivery job per listener. */
  EventDispatch = 'event.dispatch',
  /** Deliver one event to one named listener. */
  EventDeliver = 'event.deliver',
}

export const JOB_QUEUE: Readonly<Record<JobName, QueueName>> = {
  [JobName.EventDispatch]: QueueName.Events,
  [JobName.EventDeliver]: QueueName.Events,
};

export function jobsOfQueue(queue: QueueName): JobName[] {
  return (Object.keys(JOB_QUEUE) as JobName[]).filter((job) => JOB_QUEUE[job] === queue);
}

export function isQueueName(value: string): value is QueueName {
  return (Object.values(QueueName) as string[]).includes(value);
}
