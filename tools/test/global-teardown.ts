import { rmSync, type WriteStream } from 'node:fs';
import type { RunningStack } from '../stack';

export default async function globalTeardown(): Promise<void> {
  const holder = (
    globalThis as {
      __assayStack?: { stack: RunningStack; dataDir: string; log: WriteStream; smtp?: { close(): Promise<void> }; s3?: { stop(): Promise<void> } };
    }
  ).__assayStack;
  if (!holder) return;
  await holder.stack.stop();
  await holder.smtp?.close();
  await holder.s3?.stop();
  holder.log.end();
  rmSync(holder.dataDir, { recursive: true, force: true });
}
