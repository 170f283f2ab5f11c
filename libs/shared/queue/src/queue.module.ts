import { QueueName } from '@assay/shared/contracts';
import { DynamicModule, Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { DeadLetters } from './dead-letters';
import { EventBusHandlers } from './event-bus.handlers';
import { OUTBOX_SCHEMA, OutboxRelay } from './outbox-relay';
import { ProviderScanner } from './provider-scanner';
import { JobProducer, QueueRegistry } from './queue.registry';
import { CONSUMED_QUEUES, WorkerHost } from './worker-host';

/** Producers for every process that enqueues. */
@Global()
@Module({ providers: [QueueRegistry, JobProducer, DeadLetters], exports: [QueueRegistry, JobProducer, DeadLetters] })
export class QueueModule {}

/** The outbox relay of one service schema (needs DatabaseModule in the same app). */
@Module({})
export class OutboxRelayModule {
  static forSchema(schema: string): DynamicModule {
    return { module: OutboxRelayModule, providers: [{ provide: OUTBOX_SCHEMA, useValue: schema }, OutboxRelay], exports: [OutboxRelay] };
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
