/**
 * Several parts of the stack in one Node process (the `combined` layout of `npm start`, see
 * process-layout.ts): each service and the gateway is its own Nest application on its own port, as
 * in its own process, and the worker its own application context. They share what a process has
 * once (the heap, the loaded framework code, the event loop, the clock); everything per part stays
 * per part (configuration, database pool and role, Redis connections, metrics registry, request
 * logger, outbox relays, queue consumers).
 *
 * SIGTERM/SIGINT (or the parent going away) closes the gateway first, so no new work arrives, then
 * every other part together (each drains its requests, relays and jobs), then exits. A part that
 * fails to start stops the process with a non-zero code; the start command treats the process like
 * any process of its stack.
 */
import 'reflect-metadata';
import { AppConfig, ConfigError, loadConfig } from '@assay/shared/config';
import { REDACTED_PATHS, exitWithParent } from '@assay/shared/http';
import type { ServiceSpec } from '@assay/shared/http/app';
import { startService } from '@assay/shared/http/app';
import { PinoLogger } from 'nestjs-pino';
// The combined process boots the apps' own building blocks, exactly what each app's main runs.
/* eslint-disable @nx/enforce-module-boundaries */
import { ASSESSMENTS_SERVICE } from '../apps/assessments/src/service';
import { EVIDENCE_SERVICE } from '../apps/evidence/src/service';
import { startGateway } from '../apps/gateway/src/gateway-app';
import { NOTIFICATIONS_SERVICE } from '../apps/notifications/src/service';
import { TENANCY_SERVICE } from '../apps/tenancy/src/service';
import { selectedQueues, startWorker } from '../apps/worker/src/worker-app';
/* eslint-enable @nx/enforce-module-boundaries */
import { AppProcess, COMBINED_PROCESS, partsOf } from './process-layout';

const SERVICES: Record<Exclude<AppProcess, 'worker' | 'gateway'>, ServiceSpec> = {
  tenancy: TENANCY_SERVICE,
  assessments: ASSESSMENTS_SERVICE,
  evidence: EVIDENCE_SERVICE,
  notifications: NOTIFICATIONS_SERVICE,
};

interface Running {
  part: AppProcess;
  close(): Promise<void>;
}

/**
 * A part's configuration. PORT is the gateway's (public contract); a service started on its own
 * falls back to it when its own <SERVICE>_PORT is unset, which here would collide with the gateway,
 * so services read only their own variable (or their default port).
 */
function configOf(part: AppProcess, env: NodeJS.ProcessEnv): AppConfig {
  if (part === 'gateway' || part === 'worker') return loadConfig(part, env);
  const { PORT: _gatewayPort, ...serviceEnv } = env;
  return loadConfig(part, serviceEnv);
}

async function startPart(part: AppProcess, config: AppConfig): Promise<Running> {
  const options = { shutdownHooks: false };
  const app =
    part === 'gateway'
      ? await startGateway(config, options)
      : part === 'worker'
        ? await startWorker(config, selectedQueues(process.env['WORKER_QUEUES']), options)
        : await startService(SERVICES[part], config, options);
  return { part, close: () => app.close() };
}

async function main(): Promise<void> {
  const parts = partsOf(process.env['ASSAY_PARTS']);
  const label = process.env['ASSAY_PROCESS_NAME'] ?? COMBINED_PROCESS;
  const configs = new Map(parts.map((part) => [part, configOf(part, process.env)] as const));
  // Log lines written outside a request (start-up, relays, jobs) go through the logger nestjs-pino
  // creates first in the process: created here, it names this process rather than the first part.
  // Each part's request log lines keep their part's name (`assay-tenancy`, …).
  new PinoLogger({
    pinoHttp: {
      name: `assay-${label}`,
      level: (configs.get(parts[0] as AppProcess) as AppConfig).logLevel,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
  });

  const running: Running[] = [];
  let stopping: Promise<void> | undefined;
  const stop = (signal: NodeJS.Signals) =>
    (stopping ??= (async () => {
      // Edge first, so no new work arrives at the parts that are draining.
      const [edge, rest] = [running.filter((app) => app.part === 'gateway'), running.filter((app) => app.part !== 'gateway')];
      const closeAll = (apps: Running[]) => Promise.allSettled(apps.map((app) => app.close()));
      const failures = [...(await closeAll(edge)), ...(await closeAll(rest))].filter((result) => result.status === 'rejected');
      for (const failure of failures) process.stderr.write(`assay-${label}: closing failed: ${(failure as PromiseRejectedResult).reason}\n`);
      process.stderr.write(`assay-${label}: ${signal}, stopped ${running.map((app) => app.part).join(', ')}\n`);
      process.exit(failures.length ? 1 : 0);
    })());
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  exitWithParent();

  // The services and the worker start side by side; the gateway, the edge, once they listen.
  const inner = parts.filter((part) => part !== 'gateway');
  await Promise.all(inner.map(async (part) => running.push(await startPart(part, configs.get(part) as AppConfig))));
  if (parts.includes('gateway')) running.push(await startPart('gateway', configs.get('gateway') as AppConfig));
}

main().catch((error: unknown) => {
  process.stderr.write(`assay-combined failed to start: ${error instanceof ConfigError ? error.message : ((error as Error).stack ?? error)}\n`);
  process.exit(1);
});
