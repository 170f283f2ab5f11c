import ipaddr from 'ipaddr.js';

/** Why an outbound request was refused before any byte left the machine. */
export class UnsafeTargetError extends Error {
  constructor(readonly reason: string) {
    super(`Refused outbound request: ${reason}`);
    this.name = 'UnsafeTargetError';
  }
}

export interface AddressPolicy {
  /** Allow private, loopback, link-local and unique-local targets (tests, on-premises deployments). */
  allowPrivate: boolean;
}

/** Ranges never reachable, whatever the policy: they name no single host. */
const NEVER_ALLOWED = new Set(['unspecified', 'broadcast', 'multicast']);

/**
 * Parses an IP literal the way a URL host would be read, so every spelling of one address lands on
 * the same value: dotted, decimal (`2130706433`), octal (`0177.0.0.1`), hex (`0x7f.1`), shortened
 * (`127.1`), bracketed IPv6. IPv4-mapped IPv6 addresses (`::ffff:127.0.0.1`) become the IPv4
 * address they carry. Returns null for host names.
 */
export function parseIpLiteral(host: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  let text = host.trim();
  if (text.startsWith('[') && text.endsWith(']')) text = text.slice(1, -1);
  // A zone index (`fe80::1%eth0`) names an interface, never a public host; ipaddr.js keeps it.
  if (ipaddr.IPv6.isValid(text)) return ipaddr.process(text);
  try {
    const normalised = new URL(`http://${text}/`).hostname;
    if (ipaddr.IPv4.isValidFourPartDecimal(normalised)) return ipaddr.IPv4.parse(normalised);
    const bracketed = normalised.startsWith('[') ? normalised.slice(1, -1) : normalised;
    if (ipaddr.IPv6.isValid(bracketed)) return ipaddr.process(bracketed);
  } catch {
    return null;
  }
  return null;
}

/** The ipaddr.js range name of an address (`unicast` for public addresses). */
export function addressRange(address: string): string {
  const parsed = parseIpLiteral(address);
  if (!parsed) throw new UnsafeTargetError(`"${address}" is not an IP address`);
  return parsed.range();
}

/**
 * Whether an outbound request may go to this address. Only global unicast addresses pass by
 * default: private, loopback, link-local (cloud metadata at 169.254.169.254), carrier-grade NAT,
 * reserved and documentation ranges, unique-local IPv6, and the IPv6 forms that embed an IPv4
 * address (IPv4-mapped, NAT64, 6to4, Teredo) are refused. With `allowPrivate` everything is allowed
 * except addresses that name no single host (unspecified, broadcast, multicast).
 */
export function isAllowedAddress(address: string, policy: AddressPolicy): boolean {
  const parsed = parseIpLiteral(address);
  if (!parsed) return false;
  const range = parsed.range();
  if (NEVER_ALLOWED.has(range)) return false;
  if (policy.allowPrivate) return true;
  return range === 'unicast';
}

/** Host names that always mean this machine, whatever DNS says. */
export function isLocalHostName(host: string): boolean {
  const name = host.trim().toLowerCase().replace(/\.+$/, '');
  return name === 'localhost' || name.endsWith('.localhost') || name === 'localhost.localdomain' || name === 'ip6-localhost' || name === 'ip6-loopback';
}

export function assertAllowedAddress(address: string, policy: AddressPolicy, host = address): void {
  if (!isAllowedAddress(address, policy)) {
    const range = parseIpLiteral(address)?.range() ?? 'invalid';
    throw new UnsafeTargetError(host === address ? `${address} is a ${range} address` : `${host} resolves to ${address}, a ${range} address`);
  }
}
