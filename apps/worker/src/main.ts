import 'reflect-metadata';
import { ConfigError, loadConfig } from '@assay/shared/config';
import { QueueName, isQueueName } from '@assay/shared/contracts';
import { exitWithParent } from '@assay/shared/http';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { WorkerAppModule } from './worker-app.module';

/** WORKER_QUEUES selects the queues this worker consumes (comma-separated; default: all). */
export function selectedQueues(raw: string | undefined): QueueName[] {
  const names = (raw ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  if (names.length === 0) return Object.values(QueueName);
  const unknown = names.filter((name) => !isQueueName(name));
  if (unknown.length) throw new ConfigError([`WORKER_QUEUES names unknown queues: ${unknown.join(', ')} (known: ${Object.values(QueueName).join(', ')})`]);
  return names as QueueName[];
}

async function main(): Promise<void> {
  try {
    const config = loadConfig('worker');
    const queues = selectedQueues(process.env['WORKER_QUEUES']);
    const app = await NestFactory.createApplicationContext(WorkerAppModule.register(config, queues), { bufferLogs: true, abortOnError: false });
    app.useLogger(app.get(Logger));
    app.enableShutdownHooks();
    exitWithParent();
    await app.init();
  } catch (error) {
    process.stderr.write(`assay-worker failed to start: ${error instanceof ConfigError ? error.message : ((error as Error).stack ?? error)}\n`);
    process.exit(1);
  }
}

void main();
