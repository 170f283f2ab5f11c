import { loadConfig } from '@assay/shared/config';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { MailTransport, isTemporaryMailError } from './mail-transport';

const base = {
  DATABASE_URL: 'postgres://u@127.0.0.1:1/db',
  REDIS_URL: 'redis://127.0.0.1:1',
  MAIL_FROM: 'Assay <no-reply@assay.example>',
  DATA_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
};
const mail = {
  id: '01900000-0000-7000-8000-0000000000aa',
  subject: '[Acme Ltd] Hello',
  text: 'Hello from Acme Ltd\n',
  html: '<p>Hello from Acme Ltd</p>',
  to: { address: 'sam@widget.example', name: 'Sam' },
  fromName: 'Acme Ltd via Assay',
};

describe('MailTransport', () => {
  it('writes .eml files under the data directory when SMTP_URL is unset', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'assay-mail-'));
    try {
      const transport = new MailTransport(loadConfig('worker', { ...base, ASSAY_DATA_DIR: dataDir }));
      await transport.send(mail);
      transport.onApplicationShutdown();
      const files = readdirSync(join(dataDir, 'mail'));
      expect(files).toHaveLength(1);
      const eml = readFileSync(join(dataDir, 'mail', files[0]!), 'utf8');
      expect(eml).toContain('Subject: [Acme Ltd] Hello');
      expect(eml).toContain('From: Acme Ltd via Assay <no-reply@assay.example>');
      expect(eml).toContain(`Message-ID: <${mail.id}@assay.example>`);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('sends over SMTP, and a 4xx refusal surfaces as a temporary failure', async () => {
    let refused = false;
    const received: string[] = [];
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      disableReverseLookup: true,
      logger: false,
      onRcptTo(_address, _session, callback) {
        if (!refused) {
          refused = true;
          return callback(Object.assign(new Error('greylisted, try again'), { responseCode: 451 }));
        }
        callback();
      },
      onData(stream, _session, callback) {
        let raw = '';
        stream.on('data', (chunk: Buffer) => (raw += chunk.toString()));
        stream.on('end', () => {
          received.push(raw);
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const transport = new MailTransport(loadConfig('worker', { ...base, SMTP_URL: `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}` }));
    try {
      const failure = await transport.send(mail).catch((error: unknown) => error);
      expect(isTemporaryMailError(failure)).toBe(true);
      await transport.send(mail);
      expect(received).toHaveLength(1);
      expect(received[0]).toContain('Subject: [Acme Ltd] Hello');
    } finally {
      transport.onApplicationShutdown();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
