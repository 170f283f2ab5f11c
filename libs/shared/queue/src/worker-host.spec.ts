import { ConfigModule, loadConfig } from '@assay/shared/config';
import { EventDispatchPayload, JobName, QueueName } from '@assay/shared/contracts';
import { Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { OnJob } from './job-handler.decorator';
import { JobHandlerRegistrationError } from './job-handler.registry';
import { QueueModule, WorkerModule } from './queue.module';

const config = loadConfig('worker', {
  DATABASE_URL: 'postgres://u@127.0.0.1:1/db',
  REDIS_URL: 'redis://127.0.0.1:1',
  DATA_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
});

@Injectable()
class SecondDispatcher {
  @OnJob(JobName.EventDispatch)
  async dispatch(_payload: EventDispatchPayload): Promise<void> {
    // A second handler for a job that already has one.
  }
}

async function boot(providers: (new (...args: never[]) => unknown)[], queues: QueueName[]) {
  const moduleRef = await Test.createTestingModule({
    imports: [ConfigModule.forProcess('worker', config), QueueModule, WorkerModule.forQueues(queues)],
    providers,
  }).compile();
  return moduleRef;
}

describe('worker boot check', () => {
  it('refuses to boot when a job name has two handlers', async () => {
    const app = await boot([SecondDispatcher], [QueueName.Events]);
    const failure = app.init();
    await expect(failure).rejects.toThrow(JobHandlerRegistrationError);
    await expect(failure).rejects.toThrow(/"event.dispatch" has 2 handlers: .*SecondDispatcher.dispatch/);
    await expect(failure).rejects.toThrow(/EventBusHandlers.dispatch/);
  });
});
