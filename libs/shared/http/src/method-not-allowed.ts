import type { FastifyInstance } from 'fastify';
import FindMyWay, { HTTPMethod } from 'find-my-way';
import { PROBLEM_CONTENT_TYPE, problem } from './problem-details';

const METHODS: readonly HTTPMethod[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/**
 * A path the service serves, asked with a method it does not support, is a 405 naming the methods
 * it does (`Allow`), not a 404: the client learns the resource exists and what it may do with it.
 * Routes are recorded as Fastify registers them (before the application starts), in a router of
 * their own that only answers "which methods match this path".
 */
export function answerMethodNotAllowed(fastify: FastifyInstance, maxParamLength: number): void {
  const routes = FindMyWay({ maxParamLength });
  const registered = new Set<string>();
  fastify.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      const key = `${method} ${route.url}`;
      if (!METHODS.includes(method as HTTPMethod) || registered.has(key)) continue;
      registered.add(key);
      routes.on(method as HTTPMethod, route.url, () => undefined);
    }
  });
  fastify.addHook('onRequest', async (request, reply) => {
    if (!request.is404) return;
    const path = request.url.split('?')[0] ?? '/';
    const allowed = METHODS.filter((method) => routes.find(method, path) !== null);
    if (allowed.length === 0) return;
    const body = problem(405, `${request.method.slice(0, 16)} is not supported on this resource; it supports ${allowed.join(', ')}`);
    return reply.status(405).header('allow', allowed.join(', ')).header('content-type', PROBLEM_CONTENT_TYPE).send(body);
  });
}
