import { APP_CONFIG, AppConfig } from '@assay/shared/config';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

const FORMAT = 'v1';
const SECRET_PREFIX = 'whsec_';

/** A new Standard Webhooks signing secret: `whsec_` and 32 random bytes in base64. */
export function generateWebhookSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
}

/**
 * The Standard Webhooks signature header for a message: one `v1,<signature>` per secret, space
 * separated, so a receiver still holding the previous secret verifies during a rotation's grace period.
 */
export function signatureHeader(secrets: string[], messageId: string, timestamp: Date, body: string): string {
  return secrets.map((secret) => new Webhook(secret).sign(messageId, timestamp, body)).join(' ');
}

/**
 * Encrypts webhook signing secrets at rest (AES-256-GCM under WEBHOOK_SECRET_KEY). They must stay
 * usable for signing, so they cannot be hashed; the ciphertext is bound to its tenant and endpoint,
 * so a value copied to another row does not decrypt.
 */
@Injectable()
export class WebhookSecretCipher {
  private readonly key: Buffer;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const configured = config.notifications.webhookSecretKey;
    if (configured) {
      this.key = configured;
    } else {
      // Only outside production (config refuses to start production without a key).
      new Logger(WebhookSecretCipher.name).warn('WEBHOOK_SECRET_KEY is not set: webhook secrets are encrypted with a development key');
      this.key = createHash('sha256').update('assay development webhook secret key').digest();
    }
  }

  encrypt(secret: string, tenantId: string, endpointId: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(`${tenantId}:${endpointId}`));
    const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return [FORMAT, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ciphertext.toString('base64url')].join('.');
  }

  decrypt(stored: string, tenantId: string, endpointId: string): string {
    const [format, iv, tag, ciphertext] = stored.split('.');
    if (format !== FORMAT || !iv || !tag || !ciphertext) throw new Error('unreadable webhook secret ciphertext');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(`${tenantId}:${endpointId}`));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  }
}
