import { Injectable, Logger } from '@nestjs/common';
import { Queue } from 'bullmq';
import { QueueRegistry } from './queue.registry';

/** The queue no worker consumes: what can never be processed waits here for an operator, never dropped. */
export const DEAD_LETTER_QUEUE = 'dead-letter';

export interface DeadLetter {
  /** What was refused: `event` (a malformed domain event), `job` (a job payload no handler can take). */
  kind: 'event' | 'job';
  /** Type and id of what was refused, without its content (payloads may carry credentials). */
  label: string;
  reason: string;
  /** The refused message itself, kept for the operator who inspects or replays it. */
  payload: unknown;
}

/**
 * The one policy for a message that breaks its contract: it is kept in the dead-letter queue with a
 * log line naming it and why; the process carries on, and nothing is silently dropped.
 */
@Injectable()
export class DeadLetters {
  private readonly logger = new Logger(DeadLetters.name);
  private queue: Queue | undefined;

  constructor(private readonly registry: QueueRegistry) {}

  /** Keeps `letter`; `id` (the message's own id) makes a redelivered message one dead letter, not two. */
  async add(letter: DeadLetter, id?: string): Promise<void> {
    this.queue ??= this.registry.queueByName(DEAD_LETTER_QUEUE, { removeOnComplete: false, removeOnFail: false, attempts: 1 });
    await this.queue.add(letter.kind, letter, id ? { jobId: `${letter.kind}_${id}` } : {});
    this.logger.warn(`dead-lettered ${letter.kind} ${letter.label}: ${letter.reason}`);
  }
}
