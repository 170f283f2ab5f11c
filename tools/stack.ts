import { Infrastructure, ProcessSpec, ProcessSupervisor, WORKER_NODE_OPTIONS, provisionInfrastructure, waitUntilReady } from '@assay/shared/local-infra';
import { basename, join, resolve } from 'node:path';
import { migrateAndSeed } from './migrate';

export const APP_PROCESSES = ['tenancy', 'assessments', 'evidence', 'notifications', 'worker', 'gateway'] as const;
export type AppProcess = (typeof APP_PROCESSES)[number];

export interface RunningStack {
  infrastructure: Infrastructure;
  supervisor: ProcessSupervisor;
  env: Record<string, string>;
  gatewayUrl: string;
  serviceUrls: Record<string, string>;
  stop(): Promise<void>;
}

/** The compiled entry point of an app (dist/ is built by `npm run build`, also when run from sources in tests). */
export function appScript(name: AppProcess): string {
  const distRoot = basename(resolve(__dirname, '..')) === 'dist' ? resolve(__dirname, '..') : resolve(__dirname, '..', 'dist');
  return join(distRoot, 'apps', name, 'src', 'main.js');
}

/** An app process of the stack as the supervisor runs it (the worker with its heap limit). */
export function appProcess(name: AppProcess, env: Record<string, string>, as: string = name, nodeOptions: readonly string[] = []): ProcessSpec {
  return { name: as, script: appScript(name), env, nodeOptions: [...(name === 'worker' ? WORKER_NODE_OPTIONS : []), ...nodeOptions] };
}

/** Infrastructure, migrations and every Assay process, ready to serve. Used by `npm start` and the tests. */
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
    for (const name of APP_PROCESSES) supervisor.start(appProcess(name, env, name, options.nodeOptions));
    const serviceUrls = {
      tenancy: env['TENANCY_URL'] as string,
      assessments: env['ASSESSMENTS_URL'] as string,
      evidence: env['EVIDENCE_URL'] as string,
      notifications: env['NOTIFICATIONS_URL'] as string,
    };
    const gatewayUrl = `http://127.0.0.1:${env['PORT']}`;
    await waitUntilReady({ ...serviceUrls, gateway: gatewayUrl }, options.readyTimeoutMs ?? 60_000);
    return { infrastructure, supervisor, env, gatewayUrl, serviceUrls, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
