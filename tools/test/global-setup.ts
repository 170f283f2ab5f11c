import { mkdirSync, mkdtempSync, writeFileSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStack } from '../stack';
import { TEST_STACK_FILE, TestStackInfo, clearRecordedResponses, startS3Server, startSmtpSink } from '@assay/shared/testing';

/**
 * Boots one throwaway stack for the whole run: embedded Postgres and redis-server unless
 * DATABASE_URL / REDIS_URL are set (then a fresh database on that server), migrations, catalogue,
 * every service, the worker and the gateway on free ports. Evidence is stored through the S3 driver
 * in a real S3-protocol server that checks every request's signature (the filesystem driver, the
 * default of `npm start`, is held to the same contract by the storage tests).
 */
export default async function globalSetup(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'assay-test-'));
  mkdirSync('test-results', { recursive: true });
  clearRecordedResponses();
  const log = createWriteStream(join('test-results', 'stack.log'));
  const started = Date.now();
  // Notifications: a real SMTP server receives the stack's mail for the whole run, and ticks,
  // retries and timeouts are short so the reminder and webhook tests finish in seconds.
  const smtp = await startSmtpSink();
  const notificationsEnv = {
    SMTP_URL: smtp.url,
    SCHEDULER_TICK_MS: '300',
    WEBHOOK_ALLOW_PRIVATE: 'true',
    WEBHOOK_RETRY_BASE_MS: '300',
    WEBHOOK_TIMEOUT_MS: '2000',
    EMAIL_RETRY_BASE_MS: '100',
  };
  const s3 = await startS3Server();
  const stack = await startStack({
    dataDir,
    persistent: false,
    ports: 'free',
    extraEnv: {
      NODE_ENV: 'test',
      LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'info',
      OUTBOX_POLL_MS: '50',
      SHUTDOWN_GRACE_MS: '5000',
      // The suite signs up many organisations from one address; the sign-in limit is tested on its own replicas.
      AUTH_RATE_LIMIT_MAX: '100000',
      ...notificationsEnv,
      ...s3.env('evidence'),
    },
    // A machine busy with other work can take minutes to boot six Node processes.
    readyTimeoutMs: 180_000,
    output: (name, line) => log.write(`${name.padEnd(13)} ${line}\n`),
    onUnexpectedExit: (name, code) => log.write(`!! ${name} exited with ${code}\n`),
  });
  (globalThis as { __assayStack?: unknown }).__assayStack = { stack, dataDir, log, smtp, s3 };
  const info: TestStackInfo = { env: stack.env, gatewayUrl: stack.gatewayUrl, serviceUrls: stack.serviceUrls, dataDir };
  writeFileSync(TEST_STACK_FILE, JSON.stringify(info));
  process.env['ASSAY_TEST_STACK'] = TEST_STACK_FILE;
  process.stdout.write(`\ntest stack ready in ${Date.now() - started} ms (log: test-results/stack.log)\n`);
}
