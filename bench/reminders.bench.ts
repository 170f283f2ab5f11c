/**
 * Reminder dispatch throughput: N due reminders (default 100,000, BENCH_REMINDERS to change) go
 * through the real path — the per-tenant dispatch jobs lock due schedules, record each step, log
 * the emails, write `reminder.sent`, and the email jobs render and send every message over SMTP —
 * to an in-process SMTP sink. The baseline, measured in the same run against the same sink, sends
 * the same messages (already rendered) with nodemailer in a plain loop: one transporter, one
 * connection reused, one `await sendMail` after the other. Prints the ratio dispatch / baseline.
 *
 *   npm run bench:reminders            # embedded Postgres and redis-server, like npm test
 *   BENCH_REMINDERS=20000 npm run bench:reminders
 */
import 'reflect-metadata';
import { MailRenderer } from '@assay/notifications';
import { loadConfig } from '@assay/shared/config';
import { DEFAULT_REMINDER_POLICY, JobName, QueueName } from '@assay/shared/contracts';
import { JobProducer } from '@assay/shared/queue';
import { NestFactory } from '@nestjs/core';
import type { AddressInfo } from 'node:net';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { DataSource } from 'typeorm';
import { log, runBenchmark } from './bench-runner';
import { migratedInfrastructure } from './bench-database';
// The benchmark runs the worker exactly as production composes it.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { WorkerAppModule } from '../apps/worker/src/worker-app.module';

const TOTAL = Number(process.env['BENCH_REMINDERS'] ?? 100_000);
const TENANTS = 10;
const DAY = 86_400_000;

/** An SMTP server that counts what it receives; `waitFor(n)` resolves once n messages arrived. */
async function startSink() {
  let received = 0;
  let waiter: { target: number; resolve: () => void } | null = null;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    disableReverseLookup: true,
    logger: false,
    size: 1024 * 1024,
    onData(stream, _session, callback) {
      stream.on('data', () => undefined);
      stream.on('end', () => {
        received += 1;
        if (waiter && received >= waiter.target) waiter.resolve();
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`,
    count: () => received,
    reset: () => (received = 0),
    waitFor: (target: number) => new Promise<void>((resolve) => (received >= target ? resolve() : (waiter = { target, resolve }))),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** N open assessments whose "7 days before due" step is due now, one supplier contact each, over TENANTS tenants. */
async function seed(ownerUrl: string): Promise<string[]> {
  const owner = await new DataSource({ type: 'postgres', url: ownerUrl }).initialize();
  try {
    const tenants: string[] = [];
    for (let index = 0; index < TENANTS; index++) {
      const [{ id }] = await owner.query(`select gen_random_uuid() as id`);
      tenants.push(id);
      await owner.query(`insert into notifications.tenants (tenant_id, id, name, reminder_policy, event_at) values ($1, $1, $2, $3, now())`, [
        id,
        `Bench Customer ${index + 1}`,
        JSON.stringify(DEFAULT_REMINDER_POLICY),
      ]);
      const count = Math.floor(TOTAL / TENANTS) + (index < TOTAL % TENANTS ? 1 : 0);
      await owner.query(
        `insert into notifications.reminder_schedules (tenant_id, id, supplier_id, supplier_name, product_name, due_at, opened_at, recipients,
           assessment_status, open, next_reminder_at, event_at)
         select $1, gen_random_uuid(), gen_random_uuid(), 'Supplier ' || n, 'Product ' || n, now() + interval '2 days', now() - interval '30 days',
           jsonb_build_array(jsonb_build_object('contactId', gen_random_uuid(), 'name', 'Contact ' || n, 'email', 'contact' || n || '@supplier' || $3 || '.example',
             'isSeniorResponsibleOwner', false, 'portalUrl', 'http://localhost:3000/portal?token=assay_portal_' || md5(n::text))),
           'sent', true, now() - interval '1 minute', now() - interval '30 days'
         from generate_series(1, $2) as n`,
        [id, count, index],
      );
    }
    return tenants;
  } finally {
    await owner.destroy();
  }
}

async function main(): Promise<void> {
  const sink = await startSink();
  const infrastructure = await migratedInfrastructure({ SMTP_URL: sink.url, LOG_LEVEL: 'warn', NODE_ENV: 'development', SCHEDULER_TICK_MS: '1000' });
  try {
    const env = infrastructure.env;
    log(`seeding ${TOTAL} due reminders over ${TENANTS} tenants…`);
    const tenants = await seed(env['DATABASE_MIGRATION_URL'] as string);
    const config = loadConfig('worker', env);

    // The worker as it runs in production, consuming the notifications queue (the dispatch jobs are
    // enqueued below, as the reminders tick would fan them out).
    const worker = await NestFactory.createApplicationContext(WorkerAppModule.register(config, [QueueName.Notifications]), { logger: ['error', 'warn'] });
    await worker.init();
    const started = performance.now();
    await worker.get(JobProducer).enqueueMany(
      JobName.RemindersDispatch,
      tenants.map((tenantId) => ({ payload: { tenantId }, options: { jobId: `bench_${tenantId}` } })),
    );
    await sink.waitFor(TOTAL);
    const dispatchMs = performance.now() - started;
    await worker.close();
    log(`dispatch: ${TOTAL} reminders recorded, logged and sent in ${(dispatchMs / 1000).toFixed(1)} s`);

    // Baseline: the same messages, rendered up front, sent one after the other over one connection.
    const renderer = new MailRenderer();
    const messages = Array.from({ length: TOTAL }, (_, n) => {
      const rendered = renderer.render('reminder_before', `Bench Customer ${(n % TENANTS) + 1}`, {
        recipientName: `Contact ${n}`,
        supplierName: `Supplier ${n}`,
        productName: `Product ${n}`,
        dueAt: new Date(Date.now() + 2 * DAY).toISOString(),
        daysLeft: 2,
        portalUrl: `http://localhost:3000/portal?token=assay_portal_${n}`,
      });
      return { from: config.mailFrom, to: `contact${n}@supplier.example`, ...rendered };
    });
    sink.reset();
    const transport = nodemailer.createTransport({ url: sink.url, pool: true, maxConnections: 1, maxMessages: Infinity } as never);
    const baselineStarted = performance.now();
    for (const message of messages) await transport.sendMail(message);
    const baselineMs = performance.now() - baselineStarted;
    transport.close();
    log(`baseline: nodemailer plain loop sent ${sink.count()} messages in ${(baselineMs / 1000).toFixed(1)} s`);

    const dispatchRate = TOTAL / (dispatchMs / 1000);
    const baselineRate = TOTAL / (baselineMs / 1000);
    log(`\nreminders/s: dispatch ${dispatchRate.toFixed(0)}, baseline ${baselineRate.toFixed(0)}`);
    log(`ratio (dispatch / baseline): ${(dispatchRate / baselineRate).toFixed(2)}  (target >= 0.5)`);
  } finally {
    await sink.close();
    await infrastructure.stop();
  }
}

runBenchmark(main);
