import { APP_CONFIG, AppConfig } from '@assay/shared/config';
import { SecretBox } from '@assay/shared/auth';
import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

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
 * Seals webhook signing secrets at rest (AES-256-GCM under DATA_ENCRYPTION_KEY). They must stay
 * usable for signing, so they cannot be hashed; the ciphertext is bound to its tenant and endpoint,
 * so a value copied to another row does not decrypt.
 */
@Injectable()
export class WebhookSecretCipher {
  private readonly box: SecretBox;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    if (!config.dataEncryptionKey) throw new Error('DATA_ENCRYPTION_KEY is required to sign webhooks');
    this.box = new SecretBox(config.dataEncryptionKey);
  }

  encrypt(secret: string, tenantId: string, endpointId: string): string {
    return this.box.seal(secret, `webhook:${tenantId}:${endpointId}`);
  }

  decrypt(stored: string, tenantId: string, endpointId: string): string {
    return this.box.open(stored, `webhook:${tenantId}:${endpointId}`);
  }
}
