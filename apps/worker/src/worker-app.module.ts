import { AssessmentsModule } from '@assay/assessments';
import { EvidenceModule } from '@assay/evidence';
import { NotificationsModule } from '@assay/notifications';
import { AppConfig, ConfigModule } from '@assay/shared/config';
import { QueueName } from '@assay/shared/contracts';
import { DatabaseModule } from '@assay/shared/database';
import { createLoggingModule } from '@assay/shared/http';
import { QueueModule, WorkerModule } from '@assay/shared/queue';
import { TenancyWorkerModule } from '@assay/tenancy';
import { DynamicModule, Module } from '@nestjs/common';
import { ClsModule } from 'nestjs-cls';

/** The worker: no HTTP server, only the job handlers of every domain for the queues it consumes. */
@Module({})
export class WorkerAppModule {
  static register(config: AppConfig, queues: QueueName[]): DynamicModule {
    return {
      module: WorkerAppModule,
      imports: [
        ConfigModule.forProcess('worker', config),
        ClsModule.forRoot({ global: true }),
        createLoggingModule(config),
        DatabaseModule.forRoot(),
        QueueModule,
        WorkerModule.forQueues(queues),
        TenancyWorkerModule,
        AssessmentsModule,
        EvidenceModule,
        NotificationsModule,
      ],
    };
  }
}
