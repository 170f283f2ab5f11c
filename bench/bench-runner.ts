/** Runs a benchmark's main and exits: 0 when it finished, 1 (with the stack) when it threw. */
export function runBenchmark(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error((error as Error).stack ?? error);
      process.exit(1);
    },
  );
}

/** Writes one line of the report. */
export function log(line: string): void {
  process.stdout.write(`${line}\n`);
}
