import { markDraining } from '@assay/shared/http/app';
import Fastify, { FastifyInstance } from 'fastify';
import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { forwardInProcess } from './rest-proxy.plugin';

/*
 * The gateway's hand-over of a request to a service of its own process, over a real client
 * connection: what the service sees and what the client gets back.
 */
describe('forwardInProcess', () => {
  let gateway: FastifyInstance;
  let service: FastifyInstance;
  let base: string;

  beforeAll(async () => {
    service = Fastify();
    service.get('/api/v1/echo', async (request, reply) =>
      reply.header('x-answered-by', 'service').send({ headers: request.headers, ip: request.ip, url: request.url }),
    );
    await service.ready();
    gateway = Fastify();
    gateway.get('/api/v1/*', async (request, reply) => {
      void reply.header('ratelimit-limit', '100').header('ratelimit-remaining', '99');
      return forwardInProcess((req, res) => service.routing(req, res), request, reply, 'identity-token-for-the-service');
    });
    await gateway.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(gateway.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await gateway.close();
    await service.close();
  });

  it('gives the service the headers the proxy sends, never the client’s credentials or identity header', async () => {
    const response = await fetch(`${base}/api/v1/echo?limit=5`, {
      headers: { authorization: 'Bearer user-token', cookie: 'session=1', 'x-assay-identity': 'forged', 'idempotency-key': 'k', accept: 'application/json' },
    });
    expect(response.status).toBe(200);
    const seen = (await response.json()) as { headers: Record<string, string>; ip: string; url: string };
    expect(seen.url).toBe('/api/v1/echo?limit=5');
    expect(seen.headers['x-assay-identity']).toBe('identity-token-for-the-service');
    for (const name of ['authorization', 'cookie', 'idempotency-key']) expect(seen.headers[name]).toBeUndefined();
    expect(seen.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(seen.headers['x-request-id']).toMatch(/\S/);
    expect(seen.headers['accept']).toBe('application/json');
  });

  it('answers the client with the service’s answer and the gateway’s own headers so far, and the connection stays usable', async () => {
    for (let round = 0; round < 3; round++) {
      const response = await fetch(`${base}/api/v1/echo`);
      expect(response.status).toBe(200);
      expect(response.headers.get('x-answered-by')).toBe('service');
      expect(response.headers.get('ratelimit-limit')).toBe('100');
      expect(response.headers.get('ratelimit-remaining')).toBe('99');
    }
    const missing = await fetch(`${base}/api/v1/nothing-here`);
    expect(missing.status).toBe(404);
  });

  it('closes the client’s connection after the answer once the gateway is draining, whoever answers', async () => {
    // A gateway of its own, so that its draining touches no other test.
    const draining = Fastify();
    draining.get('/api/v1/*', async (request, reply) => forwardInProcess((req, res) => service.routing(req, res), request, reply, 'identity-token'));
    await draining.listen({ port: 0, host: '127.0.0.1' });
    const agent = new Agent({ keepAlive: true });
    // A raw request: the connection header is hop-by-hop, which fetch does not show.
    const headersOf = () =>
      new Promise<IncomingHttpHeaders>((resolve, reject) =>
        httpRequest(`http://127.0.0.1:${(draining.server.address() as AddressInfo).port}/api/v1/echo`, { agent }, (response) => {
          response.resume();
          response.on('end', () => resolve(response.headers));
        })
          .on('error', reject)
          .end(),
      );
    try {
      expect((await headersOf())['connection']).toBe('keep-alive');
      markDraining(draining.server);
      const headers = await headersOf();
      expect(headers['x-answered-by']).toBe('service');
      expect(headers['connection']).toBe('close');
    } finally {
      agent.destroy();
      await draining.close();
    }
  });
});
