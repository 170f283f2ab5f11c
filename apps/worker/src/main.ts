import 'reflect-metadata';
import { ConfigError, loadConfig } from '@assay/shared/config';
import { exitWithParent } from '@assay/shared/http';
import { selectedQueues, startWorker } from './worker-app';

async function main(): Promise<void> {
  try {
    const config = loadConfig('worker');
    const queues = selectedQueues(process.env['WORKER_QUEUES']);
    exitWithParent();
    await startWorker(config, queues);
  } catch (error) {
    process.stderr.write(`assay-worker failed to start: ${error instanceof ConfigError ? error.message : ((error as Error).stack ?? error)}\n`);
    process.exit(1);
  }
}

void main();
