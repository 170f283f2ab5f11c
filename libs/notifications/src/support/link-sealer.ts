import { SecretBox } from '@assay/shared/auth';
import { APP_CONFIG, AppConfig } from '@assay/shared/config';
import { Inject, Injectable } from '@nestjs/common';

/** Fields whose values are links carrying a credential (a portal token, an invitation token). */
export const CREDENTIAL_LINK_FIELDS: ReadonlySet<string> = new Set(['portalUrl', 'acceptUrl']);
const SEALED = 'sealed:';

/** Plain JSON-like objects only: dates and other class instances are kept as they are. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function mapLinks(value: unknown, map: (link: string) => string): unknown {
  if (Array.isArray(value)) return value.map((item) => mapLinks(item, map));
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([key, member]) => [key, CREDENTIAL_LINK_FIELDS.has(key) && typeof member === 'string' ? map(member) : mapLinks(member, map)]),
  );
}

/** A copy of an event body without credential links: what leaves Assay (webhooks) never carries them. */
export function withoutCredentialLinks<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item) => withoutCredentialLinks(item)) as T;
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).filter(([key]) => !CREDENTIAL_LINK_FIELDS.has(key)).map(([key, member]) => [key, withoutCredentialLinks(member)]),
  ) as T;
}

/**
 * Links that carry credentials must be kept until the email or reminder that uses them is sent, but
 * never in plaintext: they are sealed (AES-256-GCM under DATA_ENCRYPTION_KEY, bound to the tenant)
 * when stored and opened when a message is rendered. Sealing is idempotent.
 */
@Injectable()
export class LinkSealer {
  private readonly box: SecretBox;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    if (!config.dataEncryptionKey) throw new Error('DATA_ENCRYPTION_KEY is required to keep links to send later');
    this.box = new SecretBox(config.dataEncryptionKey);
  }

  seal<T>(tenantId: string, value: T): T {
    return mapLinks(value, (link) => (link.startsWith(SEALED) ? link : `${SEALED}${this.box.seal(link, `link:${tenantId}`)}`)) as T;
  }

  open<T>(tenantId: string, value: T): T {
    return mapLinks(value, (link) => (link.startsWith(SEALED) ? this.box.open(link.slice(SEALED.length), `link:${tenantId}`) : link)) as T;
  }
}
