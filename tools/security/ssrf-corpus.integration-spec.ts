import { RejectedEvidence, fetchEvidenceUrl } from '@assay/evidence';
import { NotificationsModule } from '@assay/notifications';
import { INTERNAL_IDENTITY_HEADER, IdentityTokenIssuer } from '@assay/shared/auth';
import { newId } from '@assay/shared/database';
import { createHttpApp, serviceAppModule } from '@assay/shared/http/app';
import { Resolver, UnsafeTargetError, checkOutboundUrl, resolveAllowedAddress, safeRequest } from '@assay/shared/net';
import { stackConfig, testIdentity } from '@assay/shared/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createServer, Server } from 'node:http';
import { AsyncLocalStorage } from 'node:async_hooks';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';

/*
 * Server-side request forgery: URLs an attacker would register as a webhook or submit as evidence to
 * reach the inside of the network. Every one must be refused with private targets NOT allowed (as in
 * production), before any connection is opened: every socket the process tries to open is recorded.
 */

const strict = { allowPrivate: false };

/** Refused from the URL alone: internal addresses in every spelling, local names, other schemes, credentials. */
const LITERAL_CORPUS = [
  // Loopback, in every spelling a URL parser accepts.
  'http://127.0.0.1/',
  'http://127.1/',
  'http://127.0.1/',
  'http://0177.0.0.1/',
  'http://0177.1/',
  'http://2130706433/',
  'http://0x7f000001/',
  'http://0x7f.0x0.0x0.0x1/',
  'http://0x7f.1/',
  'http://017700000001/',
  'http://127.000.000.001/',
  'http://0x7f.0.0.01/',
  'http://127.0.0.1./',
  'http://127.255.255.254:8080/',
  'http://%31%32%37.0.0.1/',
  'http://①②⑦.0.0.1/',
  'http://0x7f000001:6379/',
  // The unspecified address (connects to this machine on most systems).
  'http://0.0.0.0/',
  'http://0/',
  'http://0x0/',
  // Private ranges.
  'http://10.0.0.1/',
  'http://012.0.0.1/',
  'http://167772161/',
  'http://172.16.0.1/',
  'http://172.31.255.255/',
  'http://192.168.0.1/',
  'http://0xc0a80001/',
  'http://100.64.0.1/',
  // Link-local and cloud metadata.
  'http://169.254.169.254/latest/meta-data/',
  'http://2852039166/',
  'http://0xa9fea9fe/',
  'http://0251.0376.0251.0376/',
  'http://0xa9.0xfe.0xa9.0xfe/',
  'http://169.254.43518/',
  'http://169.254.169.254./computeMetadata/v1/',
  'http://100.100.100.200/latest/meta-data/',
  // Broadcast, multicast, reserved.
  'http://255.255.255.255/',
  'http://224.0.0.1/',
  'http://192.0.0.8/',
  'http://198.18.0.1/',
  // IPv6 loopback, unspecified, link-local, unique-local, site-local.
  'http://[::1]/',
  'http://[0:0:0:0:0:0:0:1]/',
  'http://[::]/',
  'http://[fe80::1]/',
  'http://[fc00::1]/',
  'http://[fd00:ec2::254]/',
  'http://[fec0::1]/',
  // IPv6 forms carrying an IPv4 address: mapped, compatible, SIIT, NAT64, 6to4, Teredo.
  'http://[::ffff:127.0.0.1]/',
  'http://[::ffff:7f00:1]/',
  'http://[::ffff:169.254.169.254]/',
  'http://[::ffff:a9fe:a9fe]/',
  'http://[0:0:0:0:0:ffff:10.0.0.1]/',
  'http://[::ffff:127.0.0.1]:6379/',
  'http://[::127.0.0.1]/',
  'http://[::a9fe:a9fe]/',
  'http://[::ffff:0:7f00:1]/',
  'http://[64:ff9b::127.0.0.1]/',
  'http://[64:ff9b::a9fe:a9fe]/',
  'http://[64:ff9b:1::a00:1]/',
  'http://[2002:7f00:1::]/',
  'http://[2002:a9fe:a9fe::]/',
  'http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/',
  // Names that always mean this machine.
  'http://localhost/',
  'http://LOCALHOST./',
  'http://localhost.localdomain/',
  'http://api.localhost/',
  'http://ip6-localhost/',
  'http://ｌｏｃａｌｈｏｓｔ/',
  // Userinfo and parser-confusion tricks.
  'http://public.example@127.0.0.1/',
  'http://127.0.0.1#@public.example/',
  'http://127.0.0.1:80\\@public.example/',
  'https://user:pass@public.example/',
  'http://public.example:@127.0.0.1/',
  // Other schemes.
  'file:///etc/passwd',
  'gopher://127.0.0.1:6379/_INFO',
  'ftp://public.example/',
  'dict://127.0.0.1:11211/stats',
  'ldap://127.0.0.1/',
  'javascript:alert(1)',
  'data:text/plain,hello',
  'http:/\\127.0.0.1/',
];

/** An address the test network routes to the loopback server standing in for a supplier's public site. */
const ROUTED = '93.184.215.14';

/** Names whose DNS answers are internal: refused once resolved, before connecting. */
const RESOLVED_CORPUS: [url: string, answers: string[]][] = [
  ['http://metadata.google.internal/computeMetadata/v1/', ['169.254.169.254']],
  ['http://127.0.0.1.nip.io/', ['127.0.0.1']],
  ['http://internal.public.example/', ['10.0.0.5']],
  ['http://mixed.public.example/', [ROUTED, '127.0.0.1']],
  ['http://mapped.public.example/', ['::ffff:169.254.169.254']],
  ['http://v6.public.example/', ['::1']],
  ['http://ula.public.example/', ['fd00::1']],
  ['http://nat64.public.example/', ['64:ff9b::a9fe:a9fe']],
  ['http://compatible.public.example/', ['::7f00:1']],
  ['http://zero.public.example/', ['0.0.0.0']],
];

const answering =
  (table: Record<string, string[]>): Resolver =>
  async (hostname) => {
    const answers = table[hostname];
    if (!answers) throw Object.assign(new Error(`${hostname} is not in the test DNS`), { code: 'ENOTFOUND' });
    return answers.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
const dns = answering({ ...Object.fromEntries(RESOLVED_CORPUS.map(([url, answers]) => [new URL(url).hostname, answers])), 'docs.public.example': [ROUTED] });

/**
 * Records every socket opened by the code under test and routes connections to ROUTED (what the
 * guard decided to connect to) to a loopback server; any other connection attempt fails. The SSRF
 * guard itself is untouched: it resolves through `dns`, checks, and pins the address it checked.
 * Only sockets opened from a test's own asynchronous context (`watched`) are recorded and routed: a
 * Jest worker shares `net` between test files, and a socket another file's client opens meanwhile is
 * none of these tests' business.
 */
const watching = new AsyncLocalStorage<true>();

/** A test's body, run with its sockets recorded and routed by the test network. */
const watched =
  <A extends unknown[]>(body: (...args: A) => Promise<void>) =>
  (...args: A): Promise<void> =>
    watching.run(true, () => body(...args));

function testNetwork(loopbackPort: () => number) {
  const attempts: string[] = [];
  const connect = net.connect;
  const tlsConnect = tls.connect;
  const route = (options: net.NetConnectOpts & { lookup?: (...args: unknown[]) => void; host?: string; port?: number }, ...rest: unknown[]) => {
    if (!watching.getStore()) return (connect as (...args: unknown[]) => net.Socket)(options, ...rest);
    let address = options.host ?? '';
    if (options.lookup && !net.isIP(address)) options.lookup(address, { all: false }, (_error: unknown, pinned: string) => (address = pinned));
    attempts.push(`${address}:${options.port}`);
    if (address !== ROUTED) throw new Error(`the test network does not route ${address}`);
    return (connect as (...args: unknown[]) => net.Socket)({ ...options, host: '127.0.0.1', port: loopbackPort(), lookup: undefined }, ...rest);
  };
  const spies = [
    jest.spyOn(net, 'connect').mockImplementation(route as typeof net.connect),
    jest.spyOn(tls, 'connect').mockImplementation(((options: { host?: string }, ...rest: unknown[]) => {
      if (!watching.getStore()) return (tlsConnect as (...args: unknown[]) => tls.TLSSocket)(options, ...rest);
      attempts.push(`tls ${options.host}`);
      throw new Error('the test network carries no TLS');
    }) as typeof tls.connect),
  ];
  return { attempts, restore: () => spies.forEach((spy) => spy.mockRestore()) };
}

describe('SSRF corpus: every bypass refused before connecting', () => {
  let site: Server;
  const served: string[] = [];
  let network: ReturnType<typeof testNetwork>;
  let redirectTo = '';

  beforeAll(async () => {
    site = createServer((request, response) => {
      served.push(request.url ?? '');
      if (request.url === '/redirect') response.writeHead(302, { location: redirectTo }).end();
      else if (request.url === '/hop') response.writeHead(301, { location: '/redirect' }).end();
      else response.writeHead(200, { 'content-type': 'text/plain' }).end('Contact: mailto:security@public.example\n');
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    network = testNetwork(() => (site.address() as AddressInfo).port);
  });
  afterAll(async () => {
    network.restore();
    site.closeAllConnections();
    await new Promise((resolve) => site.close(resolve));
  });
  beforeEach(() => {
    network.attempts.length = 0;
    served.length = 0;
  });

  it('the corpus is large enough to mean something', () => {
    expect(LITERAL_CORPUS.length + RESOLVED_CORPUS.length).toBeGreaterThanOrEqual(50);
    expect(new Set(LITERAL_CORPUS).size).toBe(LITERAL_CORPUS.length);
  });

  it(
    'the test network is in the path: a public name reaches the loopback site through the real guard',
    watched(async () => {
      const response = await safeRequest('http://docs.public.example/security.txt', { ...strict, resolver: dns, timeoutMs: 5_000, maxResponseBytes: 1024 });
      expect(response).toMatchObject({ status: 200, address: ROUTED });
      expect(network.attempts).toEqual([`${ROUTED}:80`]);
      expect(served).toEqual(['/security.txt']);
    }),
  );

  it.each(LITERAL_CORPUS)('checkOutboundUrl refuses %s', (url) => {
    expect(() => checkOutboundUrl(url, strict)).toThrow(UnsafeTargetError);
  });

  it.each(LITERAL_CORPUS)(
    'safeRequest refuses %s without DNS or a connection',
    watched(async (url) => {
      const noDns: Resolver = async () => {
        throw new Error('DNS must not be asked');
      };
      await expect(safeRequest(url, { ...strict, resolver: noDns, timeoutMs: 1_000, maxResponseBytes: 1024 })).rejects.toThrow(UnsafeTargetError);
      expect(network.attempts).toEqual([]);
    }),
  );

  it.each(RESOLVED_CORPUS)(
    '%s is refused once resolved (%j), before connecting',
    watched(async (url, answers) => {
      const host = new URL(url).hostname;
      await expect(resolveAllowedAddress(host, strict, dns)).rejects.toThrow(UnsafeTargetError);
      await expect(safeRequest(url, { ...strict, resolver: dns, timeoutMs: 1_000, maxResponseBytes: 1024 })).rejects.toThrow(
        new RegExp(`resolves to (${answers.map((a) => a.replace(/[.:]/g, '\\$&')).join('|')})`),
      );
      expect(network.attempts).toEqual([]);
    }),
  );

  describe('URL evidence (the worker follows redirects and checks each target)', () => {
    const fetchOptions = { ...strict, resolver: dns, timeoutMs: 5_000, maxResponseBytes: 1024 };
    const port = () => (site.address() as AddressInfo).port;
    /** Where a supplier's site redirects to (PORT: the loopback site itself, reachable if the guard let it through). */
    const REDIRECT_TARGETS = [
      'http://127.0.0.1:PORT/pwned',
      'http://localhost:PORT/pwned',
      'http://[::1]:PORT/pwned',
      'http://2130706433:PORT/pwned',
      'http://[::ffff:127.0.0.1]:PORT/pwned',
      'http://[::127.0.0.1]:PORT/pwned',
      'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
      'http://0xa9fea9fe/latest/meta-data/',
      'http://[fd00:ec2::254]/latest/meta-data/',
      'http://metadata.google.internal/computeMetadata/v1/',
      'http://internal.public.example/',
      'http://public.example@10.0.0.1/',
      'file:///etc/passwd',
      'gopher://127.0.0.1:PORT/_INFO',
    ];

    it(
      'fetches a public document and follows a redirect that stays public',
      watched(async () => {
        redirectTo = '/document';
        const response = await fetchEvidenceUrl('http://docs.public.example/redirect', fetchOptions);
        expect(response.status).toBe(200);
        expect(served).toEqual(['/redirect', '/document']);
      }),
    );

    it.each(REDIRECT_TARGETS)(
      'a redirect to %s is refused before connecting to it',
      watched(async (target) => {
        redirectTo = target.replace('PORT', String(port()));
        const refused = fetchEvidenceUrl('http://docs.public.example/hop', fetchOptions);
        await expect(refused).rejects.toThrow(RejectedEvidence);
        await expect(refused).rejects.toThrow(/\(redirect 2\): Refused outbound request/);
        // The two public hops, and nothing else: the internal target was never connected to.
        expect(network.attempts.every((attempt) => attempt === `${ROUTED}:80`)).toBe(true);
        expect(served).toEqual(['/hop', '/redirect']);
      }),
    );

    it(
      'URL evidence at an internal address is refused on the first hop',
      watched(async () => {
        for (const url of LITERAL_CORPUS) await expect(fetchEvidenceUrl(url, fetchOptions)).rejects.toThrow(/could not be fetched: Refused outbound request/);
        expect(network.attempts).toEqual([]);
      }),
    );
  });

  describe('webhook endpoints (the notifications service with private targets not allowed)', () => {
    let app: NestFastifyApplication;
    let token: string;

    beforeAll(async () => {
      const config = { ...stackConfig('notifications'), webhookAllowPrivate: false };
      app = await createHttpApp(
        serviceAppModule({ service: 'notifications', title: 'notifications', imports: [NotificationsModule], subgraph: false }, config),
        config,
      );
      await app.init();
      await app.getHttpAdapter().getInstance().ready();
      token = await new IdentityTokenIssuer(stackConfig('gateway').internalTokenPrivateKey as string).issue(
        testIdentity(newId(), { role: 'admin' }),
        'notifications',
      );
    });
    afterAll(async () => {
      await app?.close();
    });

    const register = (url: string) =>
      app.inject({
        method: 'POST',
        url: '/api/v1/webhook-endpoints',
        headers: { [INTERNAL_IDENTITY_HEADER]: token, 'content-type': 'application/json' },
        payload: { url, events: ['*'] },
      });

    it(
      'registers a public endpoint (the refusals below are the URL check, nothing else)',
      watched(async () => {
        const created = await register('https://hooks.public.example/assay');
        expect(created.statusCode).toBe(201);
      }),
    );

    it(
      'refuses every URL of the corpus with 422 naming the url field',
      watched(async () => {
        const answers = await Promise.all(LITERAL_CORPUS.map(async (url) => [url, await register(url)] as const));
        for (const [url, answer] of answers) {
          expect({ url, status: answer.statusCode }).toEqual({ url, status: 422 });
          expect(answer.json()).toMatchObject({ errors: [{ field: 'url', message: expect.any(String) }] });
        }
        expect(network.attempts).toEqual([]);
      }),
    );
  });
});
