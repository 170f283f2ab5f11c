import {
  DomainEvent,
  EventDeliverPayload,
  EventDispatchPayload,
  EventType,
  JobName,
  MalformedEventError,
  assertDomainEvent,
  eventLabel,
} from '@assay/shared/contracts';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { DeadLetters } from './dead-letters';
import { EVENT_LISTENER_METADATA, EventListenerSpec, OnJob } from './job-handler.decorator';
import { ProviderScanner } from './provider-scanner';
import { JobProducer } from './queue.registry';

interface Listener {
  spec: EventListenerSpec;
  owner: string;
  call: (event: DomainEvent) => Promise<unknown>;
}

/**
 * The events queue: a dispatch job per outbox event fans out to one delivery job per interested
 * listener (keyed by event id + listener, so a replayed dispatch never doubles a delivery), and a
 * failing listener retries alone. Each event is checked against its contract once on the way in (it
 * was checked on publish too): a malformed one goes to the dead letters and reaches no listener, so
 * listeners receive typed events they need not check again.
 */
@Injectable()
export class EventBusHandlers implements OnApplicationBootstrap {
  private readonly logger = new Logger(EventBusHandlers.name);
  private listeners = new Map<string, Listener>();

  constructor(
    private readonly scanner: ProviderScanner,
    private readonly producer: JobProducer,
    private readonly deadLetters: DeadLetters,
  ) {}

  onApplicationBootstrap(): void {
    const listeners = new Map<string, Listener>();
    for (const found of this.scanner.methodsWith<EventListenerSpec>(EVENT_LISTENER_METADATA)) {
      const existing = listeners.get(found.meta.name);
      if (existing) throw new Error(`Event listener name "${found.meta.name}" is used by ${existing.owner} and ${found.owner}`);
      listeners.set(found.meta.name, { spec: found.meta, owner: found.owner, call: (event) => found.call(event) });
    }
    this.listeners = listeners;
  }

  listenerNamesFor(type: EventType): string[] {
    return [...this.listeners.values()].filter((l) => l.spec.types.includes('*') || l.spec.types.includes(type)).map((l) => l.spec.name);
  }

  @OnJob(JobName.EventDispatch)
  async dispatch(payload: EventDispatchPayload): Promise<{ listeners: string[]; deadLettered?: string }> {
    let event: DomainEvent;
    try {
      event = assertDomainEvent(payload.event);
      if (event.tenantId !== payload.tenantId) throw new MalformedEventError(eventLabel(event), 'tenantId differs from the job that carries it');
    } catch (error) {
      if (!(error instanceof MalformedEventError)) throw error;
      const id = typeof (payload.event as { id?: unknown } | null)?.id === 'string' ? (payload.event as { id: string }).id : undefined;
      await this.deadLetters.add({ kind: 'event', label: error.label, reason: error.reason, payload }, id);
      return { listeners: [], deadLettered: error.reason };
    }
    const names = this.listenerNamesFor(event.type);
    await this.producer.enqueueMany(
      JobName.EventDeliver,
      names.map((listener) => ({
        payload: { tenantId: event.tenantId, listener, event },
        options: { jobId: `${event.id}_${listener}` },
      })),
    );
    return { listeners: names };
  }

  @OnJob(JobName.EventDeliver)
  async deliver(payload: EventDeliverPayload): Promise<void> {
    const listener = this.listeners.get(payload.listener);
    if (!listener) {
      // A listener removed between dispatch and delivery: nothing can ever handle this job.
      this.logger.warn(`No listener "${payload.listener}" for event ${payload.event.id}`);
      throw new UnrecoverableError(`unknown listener ${payload.listener}`);
    }
    await listener.call(payload.event);
  }
}
