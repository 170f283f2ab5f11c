import fc, { Arbitrary } from 'fast-check';
import ipaddr from 'ipaddr.js';
import { UnsafeTargetError, isAllowedAddress, parseIpLiteral } from './address-policy';
import { checkOutboundUrl } from './safe-fetch';

const strict = { allowPrivate: false };

/** IPv4 ranges that must never be reached by default (an oracle written from the RFCs, not from ipaddr.js). */
const REFUSED_V4: [string, number][] = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
];
/** Ranges of ordinary public hosts. */
const PUBLIC_V4: [string, number][] = [
  ['8.8.0.0', 16],
  ['1.1.1.0', 24],
  ['93.184.0.0', 16],
  ['151.101.0.0', 16],
];

/** An address of one of the ranges, picked without `chain` (cheap to generate ten thousand of). */
const v4Among = (ranges: [string, number][]): Arbitrary<number> =>
  fc.tuple(fc.constantFrom(...ranges), fc.nat()).map(([[base, bits], offset]) => {
    const start = ipaddr.IPv4.parse(base)
      .toByteArray()
      .reduce((value, byte) => value * 256 + byte, 0);
    return start + (offset % 2 ** (32 - bits));
  });
const octets = (value: number) => [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255];

const RADIXES = ['dec', 'oct', 'hex', 'HEX', 'zeros'] as const;
/** How to spell an IPv4 address as a URL host (WHATWG URL: 1–4 parts, each decimal, octal or hex). */
const v4Spelling = fc.tuple(fc.constantFrom(4, 3, 2, 1), fc.array(fc.constantFrom(...RADIXES), { minLength: 4, maxLength: 4 }), fc.boolean());
function spell(value: number, [count, forms, trailingDot]: [number, (typeof RADIXES)[number][], boolean]): string {
  const [a, b, c, d] = octets(value) as [number, number, number, number];
  const part = (n: number, form: string) =>
    form === 'oct'
      ? `0${n.toString(8)}`
      : form === 'zeros'
        ? `000${n.toString(8)}`
        : form === 'hex'
          ? `0x${n.toString(16)}`
          : form === 'HEX'
            ? `0X${n.toString(16).toUpperCase()}`
            : `${n}`;
  const parts = count === 4 ? [a, b, c, d] : count === 3 ? [a, b, c * 256 + d] : count === 2 ? [a, b * 65536 + c * 256 + d] : [value];
  return `${parts.map((n, i) => part(n, forms[i] as string)).join('.')}${trailingDot ? '.' : ''}`;
}

/** IPv6 spellings carrying an IPv4 address: mapped, SIIT, NAT64, 6to4, compatible. */
const V6_CARRIERS = [
  (q: string) => `::ffff:${q}`,
  (_q: string, hi: string, lo: string) => `::ffff:${hi}:${lo}`,
  (_q: string, hi: string, lo: string) => `0:0:0:0:0:ffff:${hi}:${lo}`,
  (_q: string, hi: string, lo: string) => `::FFFF:${hi.toUpperCase()}:${lo}`,
  (q: string) => `::ffff:0:${q}`,
  (q: string) => `64:ff9b::${q}`,
  (_q: string, hi: string, lo: string) => `64:ff9b::${hi}:${lo}`,
  (_q: string, hi: string, lo: string) => `64:ff9b:1::${hi}:${lo}`,
  (_q: string, hi: string, lo: string) => `2002:${hi}:${lo}::1`,
  (q: string) => `::${q}`,
];
function carried(value: number, carrier: (typeof V6_CARRIERS)[number]): string {
  const [a, b, c, d] = octets(value) as [number, number, number, number];
  return carrier(`${a}.${b}.${c}.${d}`, ((a << 8) | b).toString(16), ((c << 8) | d).toString(16));
}

/** IPv6 ranges never reached by default. */
const REFUSED_V6 = [
  '::1/128',
  '::/128',
  'fe80::/10',
  'fc00::/7',
  'fec0::/10',
  'ff00::/8',
  '100::/64',
  '2001:db8::/32',
  '2001::/32',
  '2002::/16',
  '64:ff9b::/96',
  '::/96',
  '4000::/2',
];
const v6Among = (cidrs: string[]): Arbitrary<ipaddr.IPv6> =>
  fc
    .tuple(fc.constantFrom(...cidrs.map((cidr) => ipaddr.IPv6.parseCIDR(cidr))), fc.uint8Array({ minLength: 16, maxLength: 16 }))
    .map(([[base, bits], random]) => {
      const bytes = base.toByteArray().map((byte, index) => {
        const fixed = Math.min(8, Math.max(0, bits - index * 8));
        const mask = (0xff << (8 - fixed)) & 0xff;
        return (byte & mask) | ((random[index] as number) & ~mask & 0xff);
      });
      return ipaddr.fromByteArray(bytes) as ipaddr.IPv6;
    });
const V6_FORMS = [
  (a: ipaddr.IPv6) => a.toString(),
  (a: ipaddr.IPv6) => a.toNormalizedString(),
  (a: ipaddr.IPv6) =>
    a
      .toNormalizedString()
      .split(':')
      .map((part) => part.padStart(4, '0'))
      .join(':'),
  (a: ipaddr.IPv6) => a.toString().toUpperCase(),
];

/** A URL around a host, in one of a few shapes. */
const URL_FORMS = [
  (host: string) => `http://${host}/`,
  (host: string) => `https://${host}:8443/x?y#z`,
  (host: string) => `HTTP://${host}`,
  (host: string) => `http://public.example@${host}/`,
];
const urlForm = fc.constantFrom(...URL_FORMS);
/** checkOutboundUrl refuses the URL with UnsafeTargetError (plain booleans: ten thousand runs of expect() cost more than the checks). */
const refused = (target: string): boolean => {
  try {
    checkOutboundUrl(target, strict);
    return false;
  } catch (error) {
    return error instanceof UnsafeTargetError;
  }
};

describe('SSRF address policy under generated input', () => {
  it('every address of a refused IPv4 range is refused, in every spelling, and reads back as itself', () => {
    fc.assert(
      fc.property(v4Among(REFUSED_V4), v4Spelling, urlForm, (value, how, form) => {
        const spelling = spell(value, how);
        return parseIpLiteral(spelling)?.toString() === octets(value).join('.') && !isAllowedAddress(spelling, strict) && refused(form(spelling));
      }),
    );
  });

  it('every IPv6 form carrying a refused IPv4 address is refused', () => {
    fc.assert(
      fc.property(v4Among(REFUSED_V4), fc.constantFrom(...V6_CARRIERS), fc.boolean(), urlForm, (value, carrier, bracketed, form) => {
        const spelling = carried(value, carrier);
        return !isAllowedAddress(bracketed ? `[${spelling}]` : spelling, strict) && refused(form(`[${spelling}]`));
      }),
    );
  });

  it('every address of a refused IPv6 range is refused, in every spelling', () => {
    fc.assert(
      fc.property(v6Among(REFUSED_V6), fc.constantFrom(...V6_FORMS), urlForm, (address, written, form) => {
        const spelling = written(address);
        return !isAllowedAddress(spelling, strict) && refused(form(`[${spelling}]`));
      }),
    );
  });

  it('public addresses are allowed in every spelling (the policy is not simply refusing everything)', () => {
    fc.assert(
      fc.property(v4Among(PUBLIC_V4), v4Spelling, (value, how) => {
        const spelling = spell(value, how);
        return isAllowedAddress(spelling, strict) && checkOutboundUrl(`https://${spelling}/hook`, strict).hostname === octets(value).join('.');
      }),
    );
  });

  it('any string: parseIpLiteral and isAllowedAddress never throw; checkOutboundUrl throws only UnsafeTargetError', () => {
    const hosts = fc.oneof(
      fc.string({ maxLength: 24 }),
      fc.string({ unit: 'binary', maxLength: 12 }),
      fc.ipV4Extended(),
      fc.ipV6(),
      fc.stringMatching(/^\[?[0-9a-fA-FxX:.%\]]{0,24}$/),
    );
    const urls = fc.oneof(
      hosts.map((host) => `http://${host}/`),
      fc
        .tuple(
          fc.constantFrom('http://', 'https://', 'ftp://', 'file://', 'http:', '//', 'HtTp://', 'gopher://', ''),
          fc.string({ maxLength: 6 }),
          fc.constantFrom('', '@', ':', '#@', '\\@', '%2e', '.'),
          hosts,
          fc.constantFrom('', ':0', ':65536', ':99999', '/x'),
        )
        .map((parts) => parts.join('')),
      fc
        .tuple(
          fc.constantFrom('https://', 'http://'),
          fc.constantFrom('hooks.example.com', 'xn--80ak6aa92e.com', 'a.b.c.d.e', '1.2.3.4.5', '[::]', '0x7f.1.example'),
          fc.constantFrom('', ':443', '/a?b#c'),
        )
        .map((parts) => parts.join('')),
    );
    fc.assert(
      fc.property(hosts, urls, fc.boolean(), (host, target, allowPrivate) => {
        const literal = parseIpLiteral(host);
        isAllowedAddress(host, { allowPrivate });
        try {
          const checked = checkOutboundUrl(target, { allowPrivate });
          expect(['http:', 'https:']).toContain(checked.protocol);
          expect(checked.username + checked.password).toBe('');
          if (!allowPrivate) {
            const address = parseIpLiteral(checked.hostname);
            if (address) expect(isAllowedAddress(address.toString(), strict)).toBe(true);
          }
        } catch (error) {
          if (!(error instanceof UnsafeTargetError)) throw error;
        }
        return literal === null || typeof literal.toString() === 'string';
      }),
    );
  });
});
