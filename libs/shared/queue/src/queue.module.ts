import { QueueName } from '@assay/shared/contracts';
import { DynamicModule, Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { DeadLetters } from './dead-letters';
import { EventBusHandlers } from './event-bus.handlers';
import { OutboxRelays } from './outbox-relay';
import { ProviderScanner } from './provider-scanner';
import { JobProducer, QueueRegistry } from './queue.registry';
import { CONSUMED_QUEUES, WorkerHost } from './worker-host';

/** Producers for every process that enqueues. */
@Global()
@Module({ providers: [QueueRegistry, JobProducer, DeadLetters], exports: [QueueRegistry, JobProducer, DeadLetters] })
export class QueueModule {}

/** The one relay loop of a process (every OutboxRelayModule.forSchema shares it). */
@Module({ providers: [OutboxRelays], exports: [OutboxRelays] })
class OutboxRelayLoopModule {}

/**
 * Relays the outbox of a service schema from this process (needs DatabaseModule in the same app).
 * Every process that writes to a schema's outbox imports it for that schema (the service's HTTP
 * app, and the worker through the domain's worker module), so events never wait for another
 * process to be up; the process relays all its schemas in one loop.
 */
@Module({})
export class OutboxRelayModule {
  static forSchema(schema: string): DynamicModule {
    return {
      module: OutboxRelayModule,
      imports: [OutboxRelayLoopModule],
      providers: [{ provide: `OUTBOX_RELAY_${schema}`, inject: [OutboxRelays], useFactory: (relays: OutboxRelays) => relays.register(schema) }],
      exports: [OutboxRelayLoopModule],
    };
  }
}

/** Consumers: the worker process imports this with the queues it serves. */
@Module({})
export class WorkerModule {
  static forQueues(queues: QueueName[]): DynamicModule {
    return {
      module: WorkerModule,
      imports: [DiscoveryModule],
      providers: [ProviderScanner, EventBusHandlers, WorkerHost, { provide: CONSUMED_QUEUES, useValue: queues }],
      exports: [EventBusHandlers],
    };
  }
}
