import { SecretBox } from './secret-box';

/** Event fields whose values are links carrying a credential (a portal token, an invitation token). */
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
    Object.entries(value as Record<string, unknown>).map(([key, member]) => [
      key,
      CREDENTIAL_LINK_FIELDS.has(key) && typeof member === 'string' ? map(member) : mapLinks(member, map),
    ]),
  );
}

/** A copy of an event body without credential links: what leaves Assay (webhooks) never carries them. */
export function withoutCredentialLinks<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item) => withoutCredentialLinks(item)) as T;
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([key]) => !CREDENTIAL_LINK_FIELDS.has(key))
      .map(([key, member]) => [key, withoutCredentialLinks(member)]),
  ) as T;
}

export function isSealedLink(value: string): boolean {
  return value.startsWith(SEALED);
}

/**
 * Links that carry credentials travel from the service that mints them to the one that emails them
 * through the outbox, the queue and the email log, and must never rest in plaintext on the way: they
 * are sealed (AES-256-GCM under DATA_ENCRYPTION_KEY, bound to the tenant) when minted and opened
 * only to render a message. Sealing is idempotent; opening a plain link returns it unchanged.
 */
export class CredentialLinkSealer {
  private readonly box: SecretBox;

  constructor(key: Buffer | undefined) {
    if (!key) throw new Error('DATA_ENCRYPTION_KEY is required to pass on links that carry credentials');
    this.box = new SecretBox(key);
  }

  sealLink(tenantId: string, link: string): string {
    return isSealedLink(link) ? link : `${SEALED}${this.box.seal(link, `link:${tenantId}`)}`;
  }

  openLink(tenantId: string, link: string): string {
    return isSealedLink(link) ? this.box.open(link.slice(SEALED.length), `link:${tenantId}`) : link;
  }

  /** Seals every credential link anywhere in an event body. */
  seal<T>(tenantId: string, value: T): T {
    return mapLinks(value, (link) => this.sealLink(tenantId, link)) as T;
  }

  open<T>(tenantId: string, value: T): T {
    return mapLinks(value, (link) => this.openLink(tenantId, link)) as T;
  }
}
