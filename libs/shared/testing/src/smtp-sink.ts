import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { WAIT_MS } from './kit';

/** Where the test stack's SMTP server stores what it receives, one JSON file per message. */
export const SMTP_SINK_DIR = resolve(join('test-results', 'smtp-sink'));

export interface SinkMessage {
  from: string;
  to: string[];
  raw: string;
}

/**
 * A real SMTP server for tests. Recipients whose address starts with `tempfail` are refused with a
 * 451 on their first attempt (then accepted), those starting with `reject` always with a 550, so
 * tests can watch temporary and permanent failures.
 */
export async function startSmtpSink(dir: string = SMTP_SINK_DIR): Promise<{ url: string; close(): Promise<void> }> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const refusedOnce = new Set<string>();
  let counter = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    disableReverseLookup: true,
    logger: false,
    onRcptTo(address, _session, callback) {
      const mailbox = address.address.toLowerCase();
      if (mailbox.startsWith('reject')) return callback(Object.assign(new Error('mailbox unavailable'), { responseCode: 550 }));
      if (mailbox.startsWith('tempfail') && !refusedOnce.has(mailbox)) {
        refusedOnce.add(mailbox);
        return callback(Object.assign(new Error('try again later'), { responseCode: 451 }));
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const message: SinkMessage = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        };
        // Written aside and renamed, so a reader in another test process never sees half a message.
        const file = join(dir, `${Date.now()}-${process.pid}-${++counter}.json`);
        writeFileSync(`${file}.part`, JSON.stringify(message));
        renameSync(`${file}.part`, file);
        callback();
      });
    },
  });
  // A client that disappears mid-session (a worker killed while sending) resets its connection: a
  // real server carries on, and so does this one.
  server.on('error', () => undefined);
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const port = (server.server.address() as AddressInfo).port;
  return { url: `smtp://127.0.0.1:${port}`, close: () => new Promise((done) => server.close(() => done())) };
}

/** Every message the sink has received so far. */
export function receivedMail(dir: string = SMTP_SINK_DIR): SinkMessage[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as SinkMessage);
}

/** The readable text of a raw message: quoted-printable and base64 parts decoded. */
export function mailText(raw: string): string {
  const parts = raw.split(/\r?\n--[^\r\n]+\r?\n/);
  return parts
    .map((part) => {
      const [head = '', ...rest] = part.split(/\r?\n\r?\n/);
      const body = rest.join('\n\n');
      if (/content-transfer-encoding:\s*base64/i.test(head)) return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
      if (/content-transfer-encoding:\s*quoted-printable/i.test(head)) {
        const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_match, hex: string) => String.fromCharCode(parseInt(hex, 16)));
        return Buffer.from(bytes, 'latin1').toString('utf8');
      }
      return part;
    })
    .join('\n');
}

/** The decoded Subject header of a raw message. */
export function mailSubject(raw: string): string {
  const header = raw.split(/\r?\n\r?\n/)[0] ?? '';
  const match = /^subject:((?:.*)(?:\r?\n[ \t].*)*)/im.exec(header);
  const value = (match?.[1] ?? '').replace(/\r?\n[ \t]/g, ' ').trim();
  return value.replace(/=\?utf-8\?([bq])\?([^?]*)\?=\s*/gi, (_match, encoding: string, text: string) =>
    encoding.toLowerCase() === 'b'
      ? Buffer.from(text, 'base64').toString('utf8')
      : Buffer.from(
          text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))),
          'latin1',
        ).toString('utf8'),
  );
}

/** Polls the sink until `predicate` holds for the messages so far. */
export async function waitForMail(predicate: (messages: SinkMessage[]) => boolean, timeoutMs = WAIT_MS): Promise<SinkMessage[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const messages = receivedMail();
    if (predicate(messages)) return messages;
    if (Date.now() > deadline) throw new Error(`timed out waiting for mail (${messages.length} messages received)`);
    await new Promise((wait) => setTimeout(wait, 100));
  }
}
