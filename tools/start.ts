/**
 * `npm start`: starts what the environment does not provide (embedded PostgreSQL, redis-server),
 * migrates, seeds the catalogue, runs every service, the worker and the gateway, and prints the
 * URLs once all are ready. Ctrl-C stops everything; data stays in ASSAY_DATA_DIR (.assay/).
 * ASSAY_PROCESSES chooses how the parts share processes (process-layout.ts): `combined`, the default,
 * runs them all in one Node process; `separate` runs one process per part, as production does.
 */
import { LocalInfraError } from '@assay/shared/local-infra';
import { processLayoutOf } from './process-layout';
import { RunningStack, startStack } from './stack';

const COLOURS = ['36', '35', '33', '32', '34', '31', '90'];
const colourOf = new Map<string, string>();
const useColour = process.stdout.isTTY;

function output(name: string, line: string): void {
  if (!colourOf.has(name)) colourOf.set(name, COLOURS[colourOf.size % COLOURS.length] as string);
  const label = name.padEnd(13);
  process.stdout.write(`${useColour ? `\x1b[${colourOf.get(name)}m${label}\x1b[0m` : label} ${line}\n`);
}

async function main(): Promise<void> {
  const started = Date.now();
  const running: { stack?: RunningStack } = {};
  let shuttingDown = false;
  const shutdown = async (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    output('assay', `${signal}: stopping…`);
    await running.stack?.stop();
    output('assay', 'stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  const stack = await startStack({
    dataDir: process.env['ASSAY_DATA_DIR'] ?? '.assay',
    persistent: true,
    ports: 'default',
    layout: processLayoutOf(process.env['ASSAY_PROCESSES']),
    output,
    onUnexpectedExit: (name, code) => {
      output('assay', `${name} exited unexpectedly (code ${code}); stopping the stack`);
      void shutdown('exit');
    },
  });
  running.stack = stack;
  const { env, infrastructure } = stack;
  const publicUrl = env['PUBLIC_URL'];
  process.stdout.write(
    [
      '',
      `Assay is ready in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      `  REST      ${publicUrl}/api/v1   (e.g. ${publicUrl}/api/v1/frameworks/uk-sscop)`,
      `  GraphQL   ${publicUrl}/graphql`,
      `  API docs  ${publicUrl}/api/docs   OpenAPI ${publicUrl}/api/v1/openapi.json`,
      `  Health    ${publicUrl}/health/ready   Metrics ${publicUrl}/metrics`,
      `  Postgres  ${infrastructure.started.postgres ? 'embedded, data in ' + env['ASSAY_DATA_DIR'] : 'from DATABASE_URL'}`,
      `  Redis     ${infrastructure.started.redis ? `local redis-server at ${env['REDIS_URL']}` : 'from REDIS_URL'}`,
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`\nAssay could not start: ${error instanceof LocalInfraError ? error.message : ((error as Error).stack ?? error)}\n`);
  process.exit(1);
});
