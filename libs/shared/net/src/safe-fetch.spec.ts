import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { safeRequest } from './safe-fetch';

describe('safeRequest', () => {
  let server: Server;
  let base: string;
  const seen: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url} host=${req.headers.host}`);
      if (req.url === '/redirect') {
        res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
      } else if (req.url === '/large') {
        res.writeHead(200).end('x'.repeat(100_000));
      } else if (req.url === '/slow') {
        setTimeout(() => res.writeHead(200).end('late'), 2_000).unref();
      } else {
        let body = '';
        req.on('data', (chunk) => (body += chunk));
        req.on('end', () => res.writeHead(201, { 'content-type': 'text/plain' }).end(`got ${body}`));
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const limits = { timeoutMs: 1_000, maxResponseBytes: 1024 };

  it('refuses loopback by default without connecting', async () => {
    const before = seen.length;
    await expect(safeRequest(`${base}/`, { ...limits, allowPrivate: false })).rejects.toThrow(/loopback/);
    expect(seen.length).toBe(before);
  });

  it('posts and reads the answer when the target is allowed', async () => {
    const response = await safeRequest(`${base}/hook`, {
      ...limits,
      allowPrivate: true,
      method: 'POST',
      body: 'ping',
      headers: { 'content-type': 'text/plain' },
    });
    expect(response.status).toBe(201);
    expect(response.body.toString()).toBe('got ping');
    expect(response.truncated).toBe(false);
    expect(response.address).toBe('127.0.0.1');
  });

  it('does not follow redirects', async () => {
    const response = await safeRequest(`${base}/redirect`, { ...limits, allowPrivate: true });
    expect(response.status).toBe(302);
    expect(seen.filter((line) => line.includes('meta-data'))).toEqual([]);
  });

  it('keeps only the first bytes of a large answer', async () => {
    const response = await safeRequest(`${base}/large`, { ...limits, allowPrivate: true });
    expect(response.body.length).toBe(1024);
    expect(response.truncated).toBe(true);
  });

  it('gives up after the time cap', async () => {
    const started = Date.now();
    await expect(safeRequest(`${base}/slow`, { ...limits, timeoutMs: 300, allowPrivate: true })).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('connects to the address it checked, not to a second lookup', async () => {
    const port = (server.address() as AddressInfo).port;
    let lookups = 0;
    const resolver = async () => {
      lookups += 1;
      return [{ address: '127.0.0.1', family: 4 }];
    };
    const response = await safeRequest(`http://hooks.rebind.test:${port}/pinned`, { ...limits, allowPrivate: true, resolver });
    expect(response.status).toBe(201);
    expect(lookups).toBe(1);
    expect(seen).toContain(`GET /pinned host=hooks.rebind.test:${port}`);
  });

  it('refuses a name whose only answer is private', async () => {
    const resolver = async () => [{ address: '192.168.1.10', family: 4 }];
    await expect(safeRequest('http://printer.example.com/', { ...limits, allowPrivate: false, resolver })).rejects.toThrow(/192.168.1.10, a private address/);
  });
});
