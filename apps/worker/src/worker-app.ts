import { AppConfig, ConfigError } from '@assay/shared/config';
import { QueueName, isQueueName } from '@assay/shared/contracts';
import type { INestApplicationContext } from '@nestjs/common';
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

/**
 * Builds the worker from the configuration given and starts consuming its queues. Its own process
 * (main.ts) and the combined process of `npm start` both boot it through this; `shutdownHooks: false`
 * leaves closing it on a signal to the process hosting it.
 */
export async function startWorker(config: AppConfig, queues: QueueName[], options: { shutdownHooks?: boolean } = {}): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(WorkerAppModule.register(config, queues), { bufferLogs: true, abortOnError: false });
  app.useLogger(app.get(Logger));
  if (options.shutdownHooks !== false) app.enableShutdownHooks();
  await app.init();
  return app;
}
