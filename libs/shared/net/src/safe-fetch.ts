import type { LookupAddress, LookupAllOptions, LookupOneOptions } from 'node:dns';
import { lookup as dnsLookup } from 'node:dns/promises';
import { Agent, request } from 'undici';
import { AddressPolicy, UnsafeTargetError, assertAllowedAddress, isLocalHostName, parseIpLiteral } from './address-policy';

export const MAX_URL_LENGTH = 2048;

export interface SafeUrlOptions extends AddressPolicy {
  /** Schemes allowed; https and http by default. */
  protocols?: readonly string[];
}

/**
 * Checks what can be checked without the network: a well-formed absolute http(s) URL of bounded
 * length, without credentials, whose host is not a local name nor a refused IP literal in any
 * spelling. Returns the parsed URL. DNS is checked at request time ({@link safeRequest}).
 */
export function checkOutboundUrl(raw: string, options: SafeUrlOptions): URL {
  if (raw.length > MAX_URL_LENGTH) throw new UnsafeTargetError(`the URL is longer than ${MAX_URL_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UnsafeTargetError('not an absolute URL');
  }
  const protocols = options.protocols ?? ['https', 'http'];
  if (!protocols.includes(url.protocol.replace(/:$/, ''))) throw new UnsafeTargetError(`the scheme must be ${protocols.join(' or ')}`);
  if (url.username || url.password) throw new UnsafeTargetError('credentials in the URL are not allowed');
  const host = url.hostname;
  if (!host) throw new UnsafeTargetError('the URL has no host');
  const literal = parseIpLiteral(host);
  if (literal) assertAllowedAddress(literal.toString(), options, host);
  else if (isLocalHostName(host) && !options.allowPrivate) throw new UnsafeTargetError(`${host} names this machine`);
  return url;
}

export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

const systemResolver: Resolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/**
 * Resolves a host once and checks every address it resolves to (one refused address refuses the
 * host, so a name cannot mix a public and a private answer). Returns the address to connect to.
 */
export async function resolveAllowedAddress(host: string, policy: AddressPolicy, resolver: Resolver = systemResolver): Promise<LookupAddress> {
  const bare = host.startsWith('[') ? host.slice(1, -1) : host;
  const literal = parseIpLiteral(bare);
  if (literal) {
    const address = literal.toString();
    assertAllowedAddress(address, policy, host);
    return { address, family: literal.kind() === 'ipv4' ? 4 : 6 };
  }
  if (isLocalHostName(bare) && !policy.allowPrivate) throw new UnsafeTargetError(`${host} names this machine`);
  let answers: LookupAddress[];
  try {
    answers = await resolver(bare);
  } catch (error) {
    throw new UnsafeTargetError(`${host} does not resolve (${(error as NodeJS.ErrnoException).code ?? 'lookup failed'})`);
  }
  if (answers.length === 0) throw new UnsafeTargetError(`${host} does not resolve`);
  for (const answer of answers) assertAllowedAddress(answer.address, policy, host);
  return answers[0] as LookupAddress;
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** A `lookup` for sockets that answers with the one address already checked, for any host asked. */
export function pinnedLookup(pinned: LookupAddress) {
  return (_hostname: string, options: LookupOneOptions | LookupAllOptions | LookupCallback, callback?: LookupCallback): void => {
    const done = (typeof options === 'function' ? options : callback) as LookupCallback;
    if (typeof options === 'object' && options.all) done(null, [pinned]);
    else done(null, pinned.address, pinned.family);
  };
}

export interface SafeRequestOptions extends AddressPolicy {
  method?: 'GET' | 'POST' | 'HEAD';
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** The whole exchange (connect, headers, body) must finish within this. */
  timeoutMs: number;
  /** Bytes of the response body kept; reading stops there. */
  maxResponseBytes: number;
  resolver?: Resolver;
}

export interface SafeResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** The body was longer than maxResponseBytes and was cut there. */
  truncated: boolean;
  durationMs: number;
  /** The address actually connected to. */
  address: string;
}

/**
 * An outbound HTTP request that cannot be turned against the inside of the network: the URL is
 * checked, the host resolved once and every answer checked, and the socket connects to that checked
 * address (no second lookup a DNS rebinding could answer differently). Redirects are never followed,
 * and time and response size are capped.
 */
export async function safeRequest(rawUrl: string, options: SafeRequestOptions): Promise<SafeResponse> {
  const started = performance.now();
  const url = checkOutboundUrl(rawUrl, options);
  const target = await resolveAllowedAddress(url.hostname, options, options.resolver);
  const agent = new Agent({
    connect: { lookup: pinnedLookup(target), timeout: options.timeoutMs },
    connections: 1,
    pipelining: 0,
    keepAliveTimeout: 1,
  });
  const signal = AbortSignal.timeout(options.timeoutMs);
  try {
    const response = await request(url, {
      dispatcher: agent,
      method: options.method ?? 'GET',
      headers: options.headers,
      body: options.body,
      signal,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
    const chunks: Buffer[] = [];
    let size = 0;
    let truncated = false;
    for await (const chunk of response.body) {
      const buffer = chunk as Buffer;
      const room = options.maxResponseBytes - size;
      if (buffer.length > room) {
        chunks.push(buffer.subarray(0, room));
        size += room;
        truncated = true;
        break;
      }
      chunks.push(buffer);
      size += buffer.length;
    }
    if (truncated) response.body.destroy();
    return {
      status: response.statusCode,
      headers: response.headers,
      body: Buffer.concat(chunks, size),
      truncated,
      durationMs: Math.round(performance.now() - started),
      address: target.address,
    };
  } finally {
    agent.destroy().catch(() => undefined);
  }
}
