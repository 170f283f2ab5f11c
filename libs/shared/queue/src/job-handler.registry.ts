import { JOB_QUEUE, JobName, QueueName, jobsOfQueue } from '@assay/shared/contracts';

export interface RegisteredHandler {
  job: JobName;
  /** Where it was declared, for error messages. */
  owner: string;
  invoke: (payload: unknown, context: JobRunContext) => Promise<unknown>;
}

export interface JobRunContext {
  jobId: string | undefined;
  attemptsMade: number;
}

/** Thrown at boot when the handlers do not cover the consumed queues exactly once per job. */
export class JobHandlerRegistrationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Job handlers are inconsistent:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'JobHandlerRegistrationError';
  }
}

/**
 * Builds the job-name → handler table for the queues a process consumes, and refuses to build it
 * when any job of those queues has no handler or more than one.
 */
export function buildHandlerTable(handlers: RegisteredHandler[], consumedQueues: QueueName[]): Map<JobName, RegisteredHandler> {
  const problems: string[] = [];
  const table = new Map<JobName, RegisteredHandler>();
  const byJob = new Map<JobName, RegisteredHandler[]>();
  for (const handler of handlers) {
    if (!(handler.job in JOB_QUEUE)) {
      problems.push(`${handler.owner} handles unknown job "${handler.job}"`);
      continue;
    }
    byJob.set(handler.job, [...(byJob.get(handler.job) ?? []), handler]);
  }
  for (const queue of consumedQueues) {
    for (const job of jobsOfQueue(queue)) {
      const found = byJob.get(job) ?? [];
      if (found.length === 0) problems.push(`job "${job}" on queue "${queue}" has no handler`);
      else if (found.length > 1) problems.push(`job "${job}" has ${found.length} handlers: ${found.map((h) => h.owner).join(', ')}`);
      else table.set(job, found[0] as RegisteredHandler);
    }
  }
  if (problems.length > 0) throw new JobHandlerRegistrationError(problems);
  return table;
}
