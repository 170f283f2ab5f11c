import { DomainEvent, EventDeliverPayload, EventDispatchPayload, JobName } from '@assay/shared/contracts';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
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
 * failing listener retries alone.
 */
@Injectable()
export class EventBusHandlers implements OnApplicationBootstrap {
  private readonly logger = new Logger(EventBusHandlers.name);
  private listeners = new Map<string, Listener>();

  constructor(
    private readonly scanner: ProviderScanner,
    private readonly producer: JobProducer,
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

  listenerNamesFor(type: string): string[] {
    return [...this.listeners.values()].filter((l) => l.spec.types.includes('*') || l.spec.types.includes(type)).map((l) => l.spec.name);
  }

  @OnJob(JobName.EventDispatch)
  async dispatch(payload: EventDispatchPayload): Promise<{ listeners: string[] }> {
    const names = this.listenerNamesFor(payload.event.type);
    await this.producer.enqueueMany(
      JobName.EventDeliver,
      names.map((listener) => ({
        payload: { tenantId: payload.tenantId, listener, event: payload.event },
        options: { jobId: `${payload.event.id}_${listener}` },
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
