import { ResponseConformance, readRecordedResponses } from '@assay/shared/testing';
import { readFileSync, rmSync, writeFileSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import type { RunningStack } from '../stack';

/**
 * Every response the run's end-to-end tests saw through the gateway, checked against the public
 * OpenAPI document the build wrote: an undocumented status, content type or a body that does not
 * conform fails the run (the list is in test-results/response-conformance.txt).
 */
function checkResponseConformance(): void {
  const responses = readRecordedResponses();
  if (!responses.length) return;
  const document = JSON.parse(readFileSync(join(__dirname, '..', '..', 'openapi.json'), 'utf8')) as Record<string, unknown>;
  const conformance = new ResponseConformance(document);
  const failures = new Map<string, string>();
  for (const response of responses) {
    const failure = conformance.check(response);
    if (failure && !failures.has(failure)) failures.set(failure, response.test ?? 'unknown test');
  }
  const report = [...failures].map(([failure, test]) => `${failure}\n    seen in ${test}`);
  writeFileSync(
    join('test-results', 'response-conformance.txt'),
    `${responses.length} responses checked, ${failures.size} not conforming\n${report.join('\n')}\n`,
  );
  if (failures.size) {
    throw new Error(`${failures.size} responses do not conform to the OpenAPI document:\n${report.slice(0, 40).join('\n')}${failures.size > 40 ? '\n…' : ''}`);
  }
  process.stdout.write(`response conformance: ${responses.length} responses of the run conform to the OpenAPI document\n`);
}

export default async function globalTeardown(): Promise<void> {
  try {
    await stopStack();
  } finally {
    checkResponseConformance();
  }
}

async function stopStack(): Promise<void> {
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
