import { machineNow } from '@assay/shared/clock';
import { APP_CONFIG, AppConfig } from '@assay/shared/config';
import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import nodemailer, { Transporter } from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool';
import type { RenderedMail } from './mail-renderer';

export interface OutgoingMail extends RenderedMail {
  /** Used as the Message-ID, so a resent message can be recognised as the same one. */
  id: string;
  to: { address: string; name?: string | null };
  fromName: string;
}

/** SMTP codes and socket errors after which the same message may well go through later. */
const TEMPORARY_CODES = new Set([
  'ECONNECTION',
  'ETIMEDOUT',
  'ESOCKET',
  'EDNS',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/** Whether a send failure is worth retrying: 4xx replies and connection trouble are, 5xx replies are not. */
export function isTemporaryMailError(error: unknown): boolean {
  const { responseCode, code } = (error ?? {}) as { responseCode?: unknown; code?: unknown };
  if (typeof responseCode === 'number') return responseCode >= 400 && responseCode < 500;
  return typeof code === 'string' && TEMPORARY_CODES.has(code);
}

/** A short, address-free description of a send failure for the email log. */
export function describeMailError(error: unknown): string {
  const { responseCode, code, message } = (error ?? {}) as { responseCode?: unknown; code?: unknown; message?: unknown };
  const parts = [
    typeof responseCode === 'number' ? String(responseCode) : null,
    typeof code === 'string' ? code : null,
    typeof message === 'string' ? message : String(error),
  ];
  return parts.filter(Boolean).join(' ').slice(0, 500);
}

/**
 * Delivers rendered mail: over SMTP (a pool of reused connections) when SMTP_URL is set, otherwise
 * as `.eml` files under the data directory's `mail/` folder.
 */
@Injectable()
export class MailTransport implements OnApplicationShutdown {
  private readonly logger = new Logger(MailTransport.name);
  private readonly transporter: Transporter;
  private readonly mailDir: string | null;
  private readonly fromAddress: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.fromAddress = parseAddress(config.mailFrom);
    if (config.smtpUrl) {
      this.mailDir = null;
      this.transporter = nodemailer.createTransport({
        url: config.smtpUrl,
        pool: true,
        maxConnections: 5,
        maxMessages: Infinity,
        connectionTimeout: 10_000,
        greetingTimeout: 10_000,
        socketTimeout: 30_000,
      } as SMTPPool.Options);
    } else {
      this.mailDir = resolve(config.dataDir, 'mail');
      this.transporter = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
    }
  }

  get destination(): string {
    return this.mailDir ? `files in ${this.mailDir}` : 'SMTP';
  }

  async send(mail: OutgoingMail): Promise<{ messageId: string }> {
    const domain = this.fromAddress.split('@')[1] ?? 'localhost';
    const messageId = `<${mail.id}@${domain}>`;
    const info = await this.transporter.sendMail({
      from: { name: mail.fromName, address: this.fromAddress },
      to: mail.to.name ? { name: mail.to.name, address: mail.to.address } : mail.to.address,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      messageId,
      headers: { 'X-Assay-Email-Id': mail.id },
    });
    if (this.mailDir) {
      await mkdir(this.mailDir, { recursive: true });
      await writeFile(join(this.mailDir, `${new Date(machineNow()).toISOString().replace(/[:.]/g, '-')}-${mail.id}.eml`), info.message as Buffer);
    }
    return { messageId };
  }

  onApplicationShutdown(): void {
    try {
      this.transporter.close();
    } catch (error) {
      this.logger.warn(`closing the mail transport failed: ${(error as Error).message}`);
    }
  }
}

function parseAddress(value: string): string {
  const match = /<([^>]+)>/.exec(value);
  return (match?.[1] ?? value).trim();
}
