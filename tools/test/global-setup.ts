import { mkdirSync, mkdtempSync, writeFileSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStack } from '../stack';
import { TEST_STACK_FILE, TestStackInfo } from '@assay/shared/testing';

/**
 * Boots one throwaway stack for the whole run: embedded Postgres and redis-server unless
 * DATABASE_URL / REDIS_URL are set (then a fresh database on that server), migrations, catalogue,
 * every service, the worker and the gateway on free ports.
 */
export default async function globalSetup(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'assay-test-'));
  mkdirSync('test-results', { recursive: true });
  const log = createWriteStream(join('test-results', 'stack.log'));
  const started = Date.now();
  const stack = await startStack({
    dataDir,
    persistent: false,
    ports: 'free',
    extraEnv: { NODE_ENV: 'test', LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'info', OUTBOX_POLL_MS: '50',
      // The suite signs up many organisations from one address; the sign-in limit is tested on its own replicas.
      AUTH_RATE_LIMIT_MAX: '100000', SHUTDOWN_GRACE_MS: '5000' },
    output: (name, line) => log.write(`${name.padEnd(13)} ${line}\n`),
    onUnexpectedExit: (name, code) => log.write(`!! ${name} exited with ${code}\n`),
  });
  (globalThis as { __assayStack?: unknown }).__assayStack = { stack, dataDir, log };
  const info: TestStackInfo = { env: stack.env, gatewayUrl: stack.gatewayUrl, serviceUrls: stack.serviceUrls, dataDir };
  writeFileSync(TEST_STACK_FILE, JSON.stringify(info));
  process.env['ASSAY_TEST_STACK'] = TEST_STACK_FILE;
  process.stdout.write(`\ntest stack ready in ${Date.now() - started} ms (log: test-results/stack.log)\n`);
}
