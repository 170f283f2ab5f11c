/**
 * How the stack's parts (four services, the worker, the gateway) are spread over Node processes when
 * `npm start` runs them. Production runs one deployable per part (dist/apps/<part>/src/main.js); on
 * one machine the parts can share processes instead, each still on its own port, so every URL, the
 * gateway's upstreams and the supergraph stay the same.
 *
 * - `combined` (the default of `npm start`): one process runs every part (tools/combined.ts).
 * - `gateway-apart`: one process runs the services and the worker, a second one the gateway.
 * - `separate`: one process per part, as in production (the test stack's layout).
 *
 * See docs/operations.md ("Processes of `npm start`") for the measurements behind the default.
 */
export const APP_PROCESSES = ['tenancy', 'assessments', 'evidence', 'notifications', 'worker', 'gateway'] as const;
export type AppProcess = (typeof APP_PROCESSES)[number];

export const PROCESS_LAYOUTS = ['combined', 'gateway-apart', 'separate'] as const;
export type ProcessLayout = (typeof PROCESS_LAYOUTS)[number];

/** One process of a layout: its name (the label of its output) and the parts it runs. */
export interface LayoutProcess {
  name: string;
  parts: readonly AppProcess[];
}

/** The name of the process that runs every part in the `combined` layout. */
export const COMBINED_PROCESS = 'combined';

export function layoutProcesses(layout: ProcessLayout): LayoutProcess[] {
  if (layout === 'combined') return [{ name: COMBINED_PROCESS, parts: APP_PROCESSES }];
  if (layout === 'gateway-apart') {
    return [
      { name: 'services', parts: APP_PROCESSES.filter((part) => part !== 'gateway') },
      { name: 'gateway', parts: ['gateway'] },
    ];
  }
  return APP_PROCESSES.map((part) => ({ name: part, parts: [part] }));
}

/** ASSAY_PROCESSES as `npm start` reads it: `combined` (default), `gateway-apart` or `separate`. */
export function processLayoutOf(raw: string | undefined): ProcessLayout {
  const value = raw?.trim() || 'combined';
  if (!(PROCESS_LAYOUTS as readonly string[]).includes(value)) {
    throw new Error(`ASSAY_PROCESSES must be one of ${PROCESS_LAYOUTS.join(', ')} (got "${value}")`);
  }
  return value as ProcessLayout;
}

/** The parts a combined process runs, from ASSAY_PARTS (comma-separated; default: all). */
export function partsOf(raw: string | undefined): AppProcess[] {
  const names = (raw ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  if (names.length === 0) return [...APP_PROCESSES];
  const unknown = names.filter((name) => !(APP_PROCESSES as readonly string[]).includes(name));
  if (unknown.length) throw new Error(`ASSAY_PARTS names unknown parts: ${unknown.join(', ')} (known: ${APP_PROCESSES.join(', ')})`);
  return APP_PROCESSES.filter((part) => names.includes(part));
}
