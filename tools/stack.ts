import { Infrastructure, ProcessSpec, ProcessSupervisor, WORKER_NODE_OPTIONS, provisionInfrastructure, waitUntilReady } from '@assay/shared/local-infra';
import { basename, join, resolve } from 'node:path';
import { migrateAndSeed } from './migrate';

import { AppProcess, LayoutProcess, ProcessLayout, layoutProcesses } from './process-layout';

export { APP_PROCESSES, AppProcess } from './process-layout';

export interface RunningStack {
  infrastructure: Infrastructure;
  supervisor: ProcessSupervisor;
  env: Record<string, string>;
  gatewayUrl: string;
  serviceUrls: Record<string, string>;
  /** The processes the supervisor runs (names as `supervisor.get` takes them) and the parts in each. */
  processes: LayoutProcess[];
  stop(): Promise<void>;
}

/** The compiled entry point of an app (dist/ is built by `npm run build`, also when run from sources in tests). */
export function appScript(name: AppProcess): string {
  return join(distRoot(), 'apps', name, 'src', 'main.js');
}

function distRoot(): string {
  return basename(resolve(__dirname, '..')) === 'dist' ? resolve(__dirname, '..') : resolve(__dirname, '..', 'dist');
}

/** A process of a layout as the supervisor runs it: an app's own main, or the combined process for several parts. */
export function layoutProcess(process: LayoutProcess, env: Record<string, string>, nodeOptions: readonly string[] = []): ProcessSpec {
  const [only] = process.parts;
  if (process.parts.length === 1 && only) return appProcess(only, env, process.name, nodeOptions);
  return {
    name: process.name,
    script: join(distRoot(), 'tools', 'combined.js'),
    env: { ...env, ASSAY_PARTS: process.parts.join(','), ASSAY_PROCESS_NAME: process.name },
    // The worker's heap limit, when it is one of the parts, holds for the whole process.
    nodeOptions: [...(process.parts.includes('worker') ? WORKER_NODE_OPTIONS : []), ...nodeOptions],
  };
}

/** An app process of the stack as the supervisor runs it (the worker with its heap limit). */
export function appProcess(name: AppProcess, env: Record<string, string>, as: string = name, nodeOptions: readonly string[] = []): ProcessSpec {
  return { name: as, script: appScript(name), env, nodeOptions: [...(name === 'worker' ? WORKER_NODE_OPTIONS : []), ...nodeOptions] };
}

/** Infrastructure, migrations and every part of Assay in the layout's processes, ready to serve. Used by `npm start`, the benchmarks and the tests. */
export async function startStack(options: {
  dataDir: string;
  persistent: boolean;
  ports: 'default' | 'free';
  env?: NodeJS.ProcessEnv;
  extraEnv?: Record<string, string>;
  output: (name: string, line: string) => void;
  onUnexpectedExit?: (name: string, code: number | null) => void;
  readyTimeoutMs?: number;
  /** Extra Node options for every app process (e.g. `--cpu-prof` for a benchmark's profile). */
  nodeOptions?: readonly string[];
  /** How the parts are spread over processes (default `separate`, one process per part; `npm start` reads ASSAY_PROCESSES). */
  layout?: ProcessLayout;
}): Promise<RunningStack> {
  const log = (line: string) => options.output('assay', line);
  const infrastructure = await provisionInfrastructure({
    dataDir: options.dataDir,
    persistent: options.persistent,
    env: options.env ?? process.env,
    log: (line) => options.output('infra', line),
    ports: options.ports,
  });
  const env = { ...infrastructure.env, ...(options.extraEnv ?? {}) };
  const supervisor = new ProcessSupervisor(options.output, options.onUnexpectedExit);
  const stop = async () => {
    await supervisor.stopAll(15_000, ['gateway']);
    await infrastructure.stop();
  };
  try {
    await migrateAndSeed(env, log);
    const processes = layoutProcesses(options.layout ?? 'separate');
    for (const process of processes) supervisor.start(layoutProcess(process, env, options.nodeOptions));
    const serviceUrls = {
      tenancy: env['TENANCY_URL'] as string,
      assessments: env['ASSESSMENTS_URL'] as string,
      evidence: env['EVIDENCE_URL'] as string,
      notifications: env['NOTIFICATIONS_URL'] as string,
    };
    const gatewayUrl = `http://127.0.0.1:${env['PORT']}`;
    await waitUntilReady({ ...serviceUrls, gateway: gatewayUrl }, options.readyTimeoutMs ?? 60_000);
    return { infrastructure, supervisor, env, gatewayUrl, serviceUrls, processes, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
