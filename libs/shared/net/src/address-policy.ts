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

/** Where global unicast IPv6 lives: ipaddr.js calls everything it has no name for `unicast`. */
const GLOBAL_UNICAST_V6 = ipaddr.IPv6.parseCIDR('2000::/3');
/** IPv4-compatible IPv6 (`::127.0.0.1`, which a URL writes `[::7f00:1]`): deprecated, and a way to spell an IPv4 address. */
const IPV4_COMPATIBLE = ipaddr.IPv6.parseCIDR('::/96');

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

/**
 * The range of a parsed address: ipaddr.js's name, except that IPv6 outside global unicast space
 * (2000::/3), which ipaddr.js still calls `unicast`, is `ipv4Compatible` or `reserved`.
 */
function rangeOf(parsed: ipaddr.IPv4 | ipaddr.IPv6): string {
  const range = parsed.range();
  if (range !== 'unicast' || parsed.kind() === 'ipv4') return range;
  const v6 = parsed as ipaddr.IPv6;
  if (v6.match(IPV4_COMPATIBLE)) return 'ipv4Compatible';
  return v6.match(GLOBAL_UNICAST_V6) ? 'unicast' : 'reserved';
}

/** The range name of an address (`unicast` for public addresses). */
export function addressRange(address: string): string {
  const parsed = parseIpLiteral(address);
  if (!parsed) throw new UnsafeTargetError(`"${address}" is not an IP address`);
  return rangeOf(parsed);
}

/**
 * Whether an outbound request may go to this address. Only global unicast addresses pass by
 * default: private, loopback, link-local (cloud metadata at 169.254.169.254), carrier-grade NAT,
 * reserved and documentation ranges, unique-local IPv6, IPv6 outside 2000::/3, and the IPv6 forms
 * that embed an IPv4 address (IPv4-mapped, IPv4-compatible, NAT64, 6to4, Teredo) are refused. With `allowPrivate` everything is allowed
 * except addresses that name no single host (unspecified, broadcast, multicast).
 */
export function isAllowedAddress(address: string, policy: AddressPolicy): boolean {
  const parsed = parseIpLiteral(address);
  if (!parsed) return false;
  const range = rangeOf(parsed);
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
    const parsed = parseIpLiteral(address);
    const range = parsed ? rangeOf(parsed) : 'invalid';
    throw new UnsafeTargetError(host === address ? `${address} is a ${range} address` : `${host} resolves to ${address}, a ${range} address`);
  }
}
