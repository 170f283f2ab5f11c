import { AssessmentsWorkerModule } from '@assay/assessments/worker';
import { EvidenceWorkerModule } from '@assay/evidence/worker';
import { NotificationsWorkerModule } from '@assay/notifications/worker';
import { AppConfig, ConfigModule } from '@assay/shared/config';
import { QueueName } from '@assay/shared/contracts';
import { DatabaseModule } from '@assay/shared/database';
import { createLoggingModule, processClockModule } from '@assay/shared/http';
import { QueueModule, WorkerModule } from '@assay/shared/queue';
import { TenancyWorkerModule } from '@assay/tenancy/worker';
import { DynamicModule, Module } from '@nestjs/common';
import { ClsModule } from 'nestjs-cls';

/**
 * The worker: no HTTP server, only the job handlers of every domain for the queues it consumes. The
 * domain worker modules also relay the outboxes their jobs write to (assessments, evidence,
 * notifications), in one loop, so those events flow while no HTTP replica of their service is up.
 */
@Module({})
export class WorkerAppModule {
  static register(config: AppConfig, queues: QueueName[]): DynamicModule {
    return {
      module: WorkerAppModule,
      imports: [
        ConfigModule.forProcess('worker', config),
        ClsModule.forRoot({ global: true }),
        createLoggingModule(config),
        processClockModule(config),
        DatabaseModule.forRoot(),
        QueueModule,
        WorkerModule.forQueues(queues),
        TenancyWorkerModule,
        AssessmentsWorkerModule,
        EvidenceWorkerModule,
        NotificationsWorkerModule,
      ],
    };
  }
}
